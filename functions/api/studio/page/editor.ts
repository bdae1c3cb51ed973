/// <reference lib="dom" />
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
  syntaxTree,
} from "@codemirror/language";
import { type Diagnostic, lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import type { JsonSchema } from "./schema-check.js";
import { schemaCompletion } from "./schema-completion.js";

export interface RequestEditor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
  /**
   * A JSON string at the cursor: it replaces the string literal the cursor is in, else the
   * selection.
   */
  insertString(value: string): void;
  showDiagnostics(diagnostics: Diagnostic[]): void;
  /** Selects a range and gives the editor focus. */
  reveal(from: number, to: number): void;
}

/**
 * The request editor: CodeMirror 6 with JSON highlighting, schema completion and the diagnostics
 * the page computes. Tab is left to the browser, so keyboard users can move on past the editor
 * (indentation comes with Enter).
 */
export function createRequestEditor(
  parent: HTMLElement,
  o: {
    schema: () => JsonSchema | undefined;
    onChange: (text: string) => void;
    label: string;
    /** The page's CSP nonce for styles: CodeMirror puts its theme in generated style elements. */
    styleNonce: string;
  },
): RequestEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: "",
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        json(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ override: [schemaCompletion(o.schema)] }),
        lintGutter(),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
        ]),
        EditorView.lineWrapping,
        EditorView.cspNonce.of(o.styleNonce),
        EditorView.contentAttributes.of({ "aria-label": o.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) o.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    insertString(value) {
      const { head } = view.state.selection.main;
      const node = syntaxTree(view.state).resolveInner(head, -1);
      const literal = JSON.stringify(value);
      if (node.name === "String") {
        view.dispatch({ changes: { from: node.from, to: node.to, insert: literal } });
      } else view.dispatch(view.state.replaceSelection(literal));
    },
    showDiagnostics: (diagnostics) => view.dispatch(setDiagnostics(view.state, diagnostics)),
    reveal(from, to) {
      view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
      view.focus();
    },
  };
}
