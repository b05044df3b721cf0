export default {name: 'custom', run() {}};
