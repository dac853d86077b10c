// Reads a whole topic once, from its first offset to the end it had when the read began.

/** Every record value of `topic` parsed as JSON (tombstones and unreadable values left out), in partition order. */
export async function readTopic(kafka, topic, timeoutMs = 60000) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, Number(p.high));
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `scan-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Map();
  const values = [];
  const done = () => [...ends].every(([p, end]) => (seen.get(p) ?? 0) >= end);
  try {
    await new Promise((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => reject(new Error(`${topic} not read to its end within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            try {
              if (m.value) values.push(JSON.parse(m.value.toString()));
            } catch {
              /* not ours to judge here */
            }
          }
          seen.set(batch.partition, Number(batch.lastOffset()) + 1);
          if (done()) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
