import type { ReactElement } from "react";
import { act } from "react-dom/test-utils";
import { createRoot, type Root } from "react-dom/client";

export interface Rendered {
  container: HTMLElement;
  root: Root;
  unmount: () => void;
}

/** Renders `element` into a fresh container in the document, inside `act`. */
export function render(element: ReactElement): Rendered {
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  act(() => root.render(element));
  return {
    container,
    root,
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Lets pending promises and React's updates run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

/** Types into an input the way React hears it (its value setter, then an input event). */
export function type(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

export function click(element: Element): void {
  act(() => {
    element.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
  });
}

export function key(element: Element, key: string, init: KeyboardEventInit = {}): void {
  act(() => {
    element.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init }));
  });
}

/** The element whose text is `text` among `selector`'s matches. */
export function byText(container: ParentNode, selector: string, text: string): HTMLElement {
  const found = [...container.querySelectorAll<HTMLElement>(selector)].find((element) => element.textContent?.trim() === text);
  if (!found) throw new Error(`no ${selector} with text ${JSON.stringify(text)}`);
  return found;
}

/** Picks an option of a select the way React hears it (its value setter, then a change event). */
export function choose(select: HTMLSelectElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value")?.set;
  act(() => {
    setter?.call(select, value);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

/** The control a `<label>` whose text starts with `text` is for (a label may add "(optional)"). */
export function byLabel<T extends HTMLElement = HTMLInputElement>(container: ParentNode, text: string): T {
  const label = [...container.querySelectorAll<HTMLLabelElement>("label[for]")].find((element) => element.textContent?.trim().startsWith(text));
  const control = label ? document.getElementById(label.htmlFor) : null;
  if (!control) throw new Error(`no control labelled ${JSON.stringify(text)}`);
  return control as T;
}
