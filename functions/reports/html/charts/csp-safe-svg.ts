/**
 * ECharts' server-side SVG is written for a page that allows inline styles; report.html does not
 * (its Content-Security-Policy allows only the one hashed `<style>` element). This turns the SVG
 * into one that needs nothing the policy forbids:
 *
 * - `style="font-size:12px;font-family:…"` attributes become the equivalent SVG presentation
 *   attributes (`font-size="12px"`), which are not styles as far as CSP is concerned; declarations
 *   with no presentation attribute are dropped;
 * - the `<style>` element ECharts appends (hover rules for interactive charts) is removed, with
 *   the `class` attributes that pointed at it;
 * - the `ecmeta_*` attributes (for client-side hydration, which a static report never does) and
 *   the namespace declarations (redundant for SVG inside HTML) are removed;
 * - ids (`zr3-c0`), which depend on how many charts the process drew before, are renamed from
 *   `idPrefix`, so the same model always renders the same bytes and two charts never collide;
 * - the root gets `role="img"` and is labelled by the figure caption.
 */
export function cspSafeSvg(
  svg: string,
  options: { readonly idPrefix: string; readonly labelledBy: string },
): string {
  const renamed = svg.replace(/\bzr\d+-/g, `${options.idPrefix}-`);
  const withoutStyleElement = renamed.replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  const converted = withoutStyleElement.replace(
    /<([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g,
    (_tag, name, attributes, selfClosing) => {
      return `<${name}${rewriteAttributes(attributes as string)}${selfClosing}>`;
    },
  );
  return converted.replace(
    /^<svg\b/,
    `<svg role="img" aria-labelledby="${options.labelledBy}" focusable="false"`,
  );
}

/** The SVG presentation attributes a CSS declaration may become (the ones ECharts writes as styles). */
const presentationAttributes = new Set([
  'font-size',
  'font-family',
  'font-weight',
  'font-style',
  'font-variant',
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'text-anchor',
  'dominant-baseline',
  'text-decoration',
  'letter-spacing',
  'visibility',
  'display',
  'paint-order',
]);

const droppedAttribute = /^(?:ecmeta_[\w-]+|class|xmlns(?::\w+)?|version|baseProfile)$/;

function rewriteAttributes(attributes: string): string {
  const kept: [string, string][] = [];
  let declarations: string | undefined;
  for (const match of attributes.matchAll(/\s+([^\s=]+)(?:="([^"]*)")?/g)) {
    const name = match[1] ?? '';
    const value = match[2] ?? '';
    if (name === 'style') declarations = value;
    else if (!droppedAttribute.test(name)) kept.push([name, value]);
  }
  if (declarations !== undefined) {
    const present = new Set(kept.map(([name]) => name));
    for (const declaration of declarations.split(';')) {
      const colon = declaration.indexOf(':');
      if (colon < 0) continue;
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1).trim();
      if (
        presentationAttributes.has(property) &&
        !present.has(property) &&
        value !== '' &&
        !/["<>&]/.test(value)
      ) {
        kept.push([property, value]);
        present.add(property);
      }
    }
  }
  return kept.map(([name, value]) => ` ${name}="${value}"`).join('');
}
