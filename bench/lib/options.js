'use strict';
// Command-line options for the bench scripts: the loop, the value readers and their errors, once.
//
// parseOptions(argv, handle) calls handle(name, take) for each argument starting with "--" (handle returns false for
// an option it does not know) and returns the other arguments. take.value() reads the option's value, take.int(min)
// an integer >= min, take.number(min) a finite number >= min; each throws a message naming the option.
function parseOptions(argv, handle) {
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { rest.push(a); continue; }
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const take = {
      value,
      int(min) {
        const v = Number(value());
        if (!Number.isInteger(v) || v < min) throw new Error(`${a} must be an integer >= ${min}`);
        return v;
      },
      number(min) {
        const v = Number(value());
        if (!Number.isFinite(v) || v < min) throw new Error(`${a} must be a number >= ${min}`);
        return v;
      },
    };
    if (!handle(a, take)) throw new Error(`unknown option ${a}`);
  }
  return rest;
}

module.exports = { parseOptions };
