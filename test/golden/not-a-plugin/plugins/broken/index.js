throw new Error('this plugin failed to start');
