// ESLint for the browser's ES modules (annotations/static/**/*.js): the recommended rules,
// plus a few that keep the workspace's promises: untrusted text is never parsed as HTML,
// nothing is evaluated as code (the CSP forbids it anyway), comparisons are strict.
import js from "@eslint/js";
import globals from "globals";

const noHtmlSinks = ["innerHTML", "outerHTML", "insertAdjacentHTML"].map((property) => ({
  property,
  message: "Write text with textContent or el(); untrusted text must never be parsed as HTML.",
}));

export default [
  { ignores: [".venv/", "node_modules/", "staticfiles/", "test-artifacts/", "*.egg-info/"] },
  {
    files: ["annotations/static/**/*.js"],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: globals.browser },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...js.configs.recommended.rules,
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-restricted-properties": [
        "error",
        ...noHtmlSinks,
        { object: "document", property: "write", message: "Build nodes instead." },
        { object: "document", property: "writeln", message: "Build nodes instead." },
      ],
    },
  },
  {
    files: ["eslint.config.js"],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: globals.node },
  },
];
