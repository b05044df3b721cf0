import {cumulative, type Prng} from './prng.js';

/** Countries of the Online Retail data; the United Kingdom dominates. */
export const COUNTRIES = [
  'United Kingdom',
  'Germany',
  'France',
  'EIRE',
  'Spain',
  'Netherlands',
  'Belgium',
  'Switzerland',
  'Portugal',
  'Australia',
  'Norway',
  'Italy',
  'Channel Islands',
  'Finland',
  'Cyprus',
  'Sweden',
  'Austria',
  'Denmark',
  'Japan',
  'Poland',
  'USA',
  'Israel',
  'Unspecified',
  'Singapore',
  'Iceland',
  'Canada',
  'Greece',
  'Malta',
  'United Arab Emirates',
  'European Community',
  'RSA',
  'Lebanon',
  'Lithuania',
  'Brazil',
  'Czech Republic',
  'Bahrain',
  'Saudi Arabia',
  'Hong Kong',
];
/**
 * Share of customers outside the UK: a little above the real data's 10%, so that a sample of a few
 * hundred customers reaches every country. Abroad, countries follow the real data's long tail.
 */
const ABROAD_SHARE = 0.13;
const ABROAD_WEIGHTS = cumulative(COUNTRIES.slice(1).map((_, i) => 95 / ((i + 1) * 0.9)));

/**
 * Draws customers' countries (indices into COUNTRIES): the UK for most, and abroad first each
 * other country once (in a seeded order), then by the real data's weights, so that even the
 * default sample's few hundred customers span nearly all 38 countries, as the real data does.
 */
export function customerCountries(random: Prng): () => number {
  const unseen = COUNTRIES.slice(1).map((_, i) => i + 1);
  return () => {
    if (!random.chance(ABROAD_SHARE)) return 0;
    if (unseen.length > 0) return unseen.splice(random.int(0, unseen.length - 1), 1)[0] as number;
    return 1 + random.weighted(ABROAD_WEIGHTS);
  };
}

/** One sellable line: a product, or a service line the cleaning removes. */
export interface CatalogItem {
  readonly code: string;
  /** null: a row without Description (real data: damaged/lost stock). */
  readonly description: string | null;
  /** UnitPrice in thousandths. */
  readonly priceMilli: number;
}

/** Service codes with 0 or 1 digits: cleaning step 4 removes them. */
export const SERVICE_ITEMS: readonly CatalogItem[] = [
  {code: 'POST', description: 'POSTAGE', priceMilli: 18_000},
  {code: 'D', description: 'Discount', priceMilli: 5_760},
  {code: 'M', description: 'Manual', priceMilli: 2_550},
  {code: 'BANK CHARGES', description: 'Bank Charges', priceMilli: 15_000},
  {code: 'C2', description: 'CARRIAGE', priceMilli: 50_000},
  {code: 'DOT', description: 'DOTCOM POSTAGE', priceMilli: 120_450},
  {code: 'CRUK', description: 'CRUK Commission', priceMilli: 13_370},
  {code: 'PADS', description: 'PADS TO MATCH ALL CUSHIONS', priceMilli: 1},
];
export const POST = 0;
export const DISCOUNT = 1;
export const DOTCOM = 5;

/** Real stock codes whose descriptions cleaning step 5 removes. */
export const NEXT_DAY_CARRIAGE: CatalogItem = {
  code: '23444',
  description: 'Next Day Carriage',
  priceMilli: 15_000,
};
export const HIGH_RESOLUTION_IMAGE: CatalogItem = {
  code: '23702',
  description: 'High Resolution Image',
  priceMilli: 3_000,
};

const ADJECTIVES = [
  'WHITE',
  'RED',
  'PINK',
  'BLUE',
  'GREEN',
  'VINTAGE',
  'RETROSPOT',
  'REGENCY',
  'JUMBO',
  'SMALL',
  'LARGE',
  'HANGING',
  'GLASS',
  'WOODEN',
  'PAPER',
  'ZINC',
  'IVORY',
  'POLKADOT',
  'HEART',
  'FELTCRAFT',
];
const THEMES = [
  'HEART',
  'STAR',
  'BIRD',
  'FLOWER',
  'CHRISTMAS',
  'PARTY',
  'SPACEBOY',
  'DOLLY GIRL',
  'UNION JACK',
  'LOVE',
  'GARDEN',
  'KITCHEN',
  'SKULL',
  'OWL',
  'CAKE',
  'TEA',
];
const THINGS = [
  'T-LIGHT HOLDER',
  'LANTERN',
  'COAT HANGER',
  'HOT WATER BOTTLE',
  'LUNCH BAG',
  'CAKE STAND',
  'MUG',
  'BUNTING',
  'ALARM CLOCK',
  'NAPKINS',
  'GIFT WRAP',
  'DOORMAT',
  'CANDLE',
  'JAM JAR',
  'TIN',
  'BOX',
  'CUSHION COVER',
  'NOTEBOOK',
  'SIGN',
  'PURSE',
];

/** A seeded product catalogue with popularity weights (a few best sellers, a long tail). */
export function makeCatalog(random: Prng, size: number): {items: CatalogItem[]; weights: number[]} {
  const items: CatalogItem[] = [];
  const weights: number[] = [];
  const used = new Set<string>();
  while (items.length < size) {
    const base = String(random.int(10_002, 90_214));
    const code = random.chance(0.2)
      ? `${base}${random.pick(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'L', 'N', 'P'])}`
      : base;
    if (used.has(code)) continue;
    used.add(code);
    let description = `${random.pick(ADJECTIVES)} ${random.pick(THEMES)} ${random.pick(THINGS)}`;
    // A few catalogue entries were typed in mixed case; cleaning upper-cases them.
    if (random.chance(0.04))
      description = description.charAt(0) + description.slice(1).toLowerCase();
    const price = Math.min(295, random.logNormal(2.4, 0.75));
    items.push({code, description, priceMilli: Math.max(10, Math.round(price * 100) * 10)});
    weights.push(1 / (items.length + 8));
  }
  return {items, weights};
}
