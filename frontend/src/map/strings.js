// What the map writes, translated by the page (<template data-map-strings> in
// maps/includes/map.html). Strings with a number come as samples for a few counts; the sample of
// the same plural category as the number is used, with the number in place of {n}.

export function readStrings(section) {
  const plain = {};
  const samples = {};
  const template = section.querySelector("template[data-map-strings]");
  for (const element of template ? template.content.querySelectorAll("[data-key]") : []) {
    const { key, n } = element.dataset;
    const text = element.textContent.trim();
    if (n === undefined) plain[key] = text;
    else (samples[key] ||= []).push([Number(n), text]);
  }
  const lang = document.documentElement.lang || "en";
  const rules = new Intl.PluralRules(lang);
  const numbers = new Intl.NumberFormat(lang);

  return {
    lang,
    collator: new Intl.Collator(lang, { sensitivity: "base", numeric: true }),
    number: (n) => numbers.format(n),
    text: (key) => plain[key] || "",
    count(key, n) {
      const forms = samples[key] || [];
      const category = rules.select(n);
      const form =
        forms.find(([sample]) => rules.select(sample) === category) ||
        forms.find(([sample]) => rules.select(sample) === "other") ||
        forms[forms.length - 1];
      return form ? form[1].replace("{n}", numbers.format(n)) : numbers.format(n);
    },
    /** MapLibre's own interface strings (its locale option): the keys with a dot. */
    mapLocale() {
      return Object.fromEntries(Object.entries(plain).filter(([key]) => key.includes(".")));
    },
  };
}
