import { escapeMarkup } from '../common/text.js';

/** Markup that is already safe: made by `html`, never from a client's text. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = string | number | boolean | null | undefined | Markup | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeMarkup(String(value));
}

/**
 * The only way pages are written: every interpolated value is escaped unless it is Markup made by this same tag, so a
 * subject, a name or an email a client sent can never become markup. Attribute values are quoted in the templates.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i] as Value) + (strings[i + 1] as string);
  return new Markup(out);
}
