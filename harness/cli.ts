/** Placeholder entry until the harness lands (issue 4): says so plainly, runs nothing. */
process.stderr.write('rol-soak: the soak harness is not built yet (see issue 4); nothing was run.\n');
process.exitCode = 4;
