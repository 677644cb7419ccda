/**
 * The seed's Quick Start, in TypeScript:
 *
 *   key_manager = KeyManager(service_name="gemini")
 *   key_name, api_key = key_manager.get_next_key()
 *   response = call_api_with_key(api_key)
 *   key_manager.save_daily_report()
 *
 * Run: npx tsx examples/quick-start.ts
 */
import { GoogleGenerativeAI } from '@google/generative-ai';
import { KeyManager } from '../src/compat/index.js';
import { describeBackend, openBackend, reportsDir } from './support/backend.js';

const backend = await openBackend();
console.log(`Talking to the ${describeBackend(backend)}.`);

// Initialize with keys from environment variables
const keyManager = new KeyManager({
  serviceName: 'gemini',
  env: backend.env,
  envFile: backend.envFile,
  reportsDir: reportsDir(),
});

async function callApiWithKey(apiKey: string, prompt: string): Promise<string> {
  const model = new GoogleGenerativeAI(apiKey).getGenerativeModel(
    { model: 'gemini-2.0-flash' },
    { baseUrl: backend.baseUrl },
  );
  const result = await model.generateContent(prompt);
  return result.response.text();
}

for (const prompt of ['Hello!', 'Name three rivers.', 'What is a quota?', 'Thanks!']) {
  // Get the next available key in round-robin fashion
  const [keyName, apiKey] = keyManager.getNextKey();

  // Use the key with your API client
  const response = await callApiWithKey(apiKey, prompt);
  keyManager.recordOutcome(keyName, { success: true });
  console.log(`${keyName}: ${response}`);
}

// Optional: Save usage report
const path = await keyManager.saveDailyReport();
console.log(`Usage report saved to ${path}`);
await keyManager.close();
await backend.close();
