/**
 * The seed's "Integration with Gemini API": `initGemini()` takes the next
 * key from a KeyManager and returns a ready `GenerativeModel` of
 * `@google/generative-ai`.
 *
 *   def init_gemini() -> Any:
 *       key_manager = KeyManager(service_name="gemini")
 *       key_name, api_key = key_manager.get_next_key()
 *       genai.configure(api_key=api_key)
 *       return genai.GenerativeModel("gemini-2.0-flash")
 *
 * One change: the KeyManager is made once, not per call, so the round-robin
 * goes on from call to call (a new manager per call would start over at the
 * first key each time; its budgets would still be right, as they are seeded
 * from today's report).
 *
 * Run: npx tsx examples/gemini-integration.ts
 */
import { type GenerativeModel, GoogleGenerativeAI } from '@google/generative-ai';
import { KeyManager } from '../src/compat/index.js';
import { describeBackend, openBackend, reportsDir } from './support/backend.js';

const backend = await openBackend();
console.log(`Talking to the ${describeBackend(backend)}.`);

const keyManager = new KeyManager({
  serviceName: 'gemini',
  env: backend.env,
  envFile: backend.envFile,
  reportsDir: reportsDir(),
  limits: { requestsPerMinute: 15, requestsPerDay: 1_500 }, // Gemini's free tier for 2.0 Flash
});

/** Initialize Gemini API with API key from key manager. */
function initGemini(): { model: GenerativeModel; keyName: string } {
  const [keyName, apiKey] = keyManager.getNextKey();
  const genAI = new GoogleGenerativeAI(apiKey);
  const model = genAI.getGenerativeModel(
    { model: 'gemini-2.0-flash' },
    { baseUrl: backend.baseUrl }, // leave out to talk to Google itself
  );
  return { model, keyName };
}

for (const question of ['What is keyrelay?', 'Why rotate keys?', 'What is RPD?']) {
  const { model, keyName } = initGemini();
  const result = await model.generateContent(question);
  const usage = result.response.usageMetadata;
  keyManager.recordOutcome(keyName, {
    success: true,
    inputTokens: usage?.promptTokenCount ?? 0,
    outputTokens: usage?.candidatesTokenCount ?? 0,
  });
  console.log(`[${keyName}] ${question} -> ${result.response.text()}`);
}
console.log(`Usage report saved to ${await keyManager.saveDailyReport()}`);
await keyManager.close();
await backend.close();
