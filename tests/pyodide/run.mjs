// Runs one calendar-gen command under one Pyodide (CPython compiled to WebAssembly), for
// tests/test_portability.py: node run.mjs PYODIDE CONFIG, where PYODIDE is a package of
// package.json (pyodide-313) and CONFIG the JSON run.py's main() takes. The host folders it
// names are mounted at the same paths, so what the command prints names the same files as
// it does on the host. Prints run.py's JSON answer; on failure, the Python error alone (not
// Pyodide's minified source around it) and exit 1.
import { readFileSync } from "node:fs";

const [pkg, config] = process.argv.slice(2);
const { loadPyodide } = await import(pkg);
try {
  const pyodide = await loadPyodide();
  for (const folder of JSON.parse(config).mounts) {
    pyodide.FS.mkdirTree(folder);
    pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: folder }, folder);
  }
  pyodide.runPython(readFileSync(new URL("run.py", import.meta.url), "utf8"));
  process.stdout.write(pyodide.globals.get("main")(config));
} catch (error) {
  process.stderr.write(`${error.message ?? error}\n`);
  process.exit(1);
}
