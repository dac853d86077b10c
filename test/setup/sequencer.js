// Runs the end-to-end files in a stable order with the secrets scan last, so it searches the logs and
// Kafka records that the whole run produced.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = 'secrets-stay-secret';

class HookstreamSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => Number(a.path.includes(LAST)) - Number(b.path.includes(LAST)) || a.path.localeCompare(b.path));
  }
}

module.exports = HookstreamSequencer;
