import {stageDuckDb} from '../../shared-data/duckdb-connection.js';
import {rm} from 'node:fs/promises';
import {join} from 'node:path';
import type {StageContext} from '../../../runner/src/plugin-api/index.js';
import type {DownloadParams} from '../params.js';
import {ByteCsvWriter} from '../byte-csv-writer.js';
import {csvQuote, typedCsvToParquet} from '../typed-csv.js';
import {
  COUNTRIES,
  customerCountries,
  DISCOUNT,
  DOTCOM,
  HIGH_RESOLUTION_IMAGE,
  makeCatalog,
  NEXT_DAY_CARRIAGE,
  POST,
  SERVICE_ITEMS,
  type CatalogItem,
} from './catalog.js';
import {cumulative, Prng} from './prng.js';

/** A latent kind of customer; the clusters found downstream should echo these. */
interface Profile {
  readonly share: number;
  readonly invoices: readonly [number, number];
  readonly lines: readonly [number, number];
  readonly quantity: readonly [number, number];
  /** Active months (0 = Dec 2010 ... 12 = Dec 2011): first month range and last month range. */
  readonly first: readonly [number, number];
  readonly last: readonly [number, number];
  readonly cancelRate: number;
}

const PROFILES: readonly Profile[] = [
  // frequent big spenders, active to the end
  {
    share: 0.12,
    invoices: [10, 30],
    lines: [10, 30],
    quantity: [4, 24],
    first: [0, 2],
    last: [11, 12],
    cancelRate: 0.12,
  },
  // regulars
  {
    share: 0.34,
    invoices: [4, 12],
    lines: [8, 25],
    quantity: [2, 12],
    first: [0, 6],
    last: [9, 12],
    cancelRate: 0.06,
  },
  // occasional buyers
  {
    share: 0.36,
    invoices: [1, 3],
    lines: [1, 15],
    quantity: [1, 6],
    first: [0, 12],
    last: [0, 12],
    cancelRate: 0.03,
  },
  // churned after the first months
  {
    share: 0.22,
    invoices: [2, 7],
    lines: [8, 20],
    quantity: [2, 12],
    first: [0, 2],
    last: [2, 5],
    cancelRate: 0.08,
  },
];
const PROFILE_WEIGHTS = cumulative(PROFILES.map((p) => p.share));

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2010, 11, 1) / DAY_MS;
const LAST_DAY = Date.UTC(2011, 11, 9) / DAY_MS;
const FIRST_INVOICE = 536_365;
const COMMA = 44;
const CUSTOMER_SHARE = 0.75;

interface Invoice {
  readonly minute: number;
  readonly customer: number;
  readonly country: number;
  readonly cancelled: boolean;
  readonly lineStart: number;
  lineCount: number;
}

/** Growable columns of invoice lines (item, quantity, price in thousandths, +1 minute flag). */
class Lines {
  item = new Int32Array(1024);
  quantity = new Int32Array(1024);
  price = new Int32Array(1024);
  shift = new Uint8Array(1024);
  length = 0;

  push(item: number, quantity: number, price: number, shift = 0): void {
    if (this.length === this.item.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.item = grow(this.item);
      this.quantity = grow(this.quantity);
      this.price = grow(this.price);
      this.shift = grow(this.shift);
    }
    const i = this.length++;
    this.item[i] = item;
    this.quantity[i] = quantity;
    this.price[i] = price;
    this.shift[i] = shift;
  }
}

/**
 * Generates about `rows` Online-Retail-shaped transactions, the same for the same seed: customers
 * of four latent kinds over Dec 2010 - Dec 2011, 38 countries (UK first), C-invoice cancellations,
 * ~25% rows without a customer, service codes, the two service descriptions, zero prices, missing
 * descriptions, exact and near duplicates (same key, other price or minute). Every cleaning step
 * removes rows at the default size.
 */
export function generateSampleCsv(
  rows: number,
  seed: number,
  csvPath: string,
  onRows?: (n: number) => void,
): number {
  const random = new Prng(seed);
  const {items: products, weights} = makeCatalog(
    random,
    Math.min(3_800, 250 + Math.floor(rows / 150)),
  );
  const popularity = cumulative(weights);
  const catalog: CatalogItem[] = [
    ...products,
    ...SERVICE_ITEMS,
    NEXT_DAY_CARRIAGE,
    HIGH_RESOLUTION_IMAGE,
    {code: '21134', description: null, priceMilli: 0},
  ];
  const service = products.length;
  const nextDay = service + SERVICE_ITEMS.length;
  const highRes = nextDay + 1;
  const noDescription = nextDay + 2;

  const lines = new Lines();
  const invoices: Invoice[] = [];
  let customerId = 12_346;
  const addInvoice = (
    minute: number,
    customer: number,
    country: number,
    cancelled: boolean,
  ): Invoice => {
    const invoice: Invoice = {
      minute,
      customer,
      country,
      cancelled,
      lineStart: lines.length,
      lineCount: 0,
    };
    invoices.push(invoice);
    return invoice;
  };
  const close = (invoice: Invoice): void => {
    invoice.lineCount = lines.length - invoice.lineStart;
  };

  const nextCountry = customerCountries(random);
  while (lines.length < rows * CUSTOMER_SHARE) {
    const profile = PROFILES[random.weighted(PROFILE_WEIGHTS)] as Profile;
    const customer = customerId;
    customerId += random.int(1, 2);
    const country = nextCountry();
    const favouriteHour = random.int(8, 16);
    const favouriteDay = random.pick([0, 1, 2, 3, 4, 6]); // Monday = 0; the shop shuts on Saturdays
    const favourites = Array.from({length: random.int(8, 40)}, () => random.weighted(popularity));
    const firstMonth = random.int(profile.first[0], profile.first[1]);
    const lastMonth = Math.max(firstMonth, random.int(profile.last[0], profile.last[1]));
    const fromDay = monthStartDay(firstMonth);
    const toDay = Math.min(LAST_DAY, monthStartDay(lastMonth + 1) - 1);
    const cancellationOnly = profile.invoices[0] === 1 && random.chance(0.02);
    const invoiceCount = random.int(profile.invoices[0], profile.invoices[1]);
    for (let k = 0; k < invoiceCount; k++) {
      let day = random.int(fromDay, toDay);
      if (random.chance(0.6)) day += (favouriteDay - weekday(day) + 7) % 7;
      if (weekday(day) === 5) day += 1;
      day = Math.min(day, LAST_DAY);
      const hour = random.chance(0.65) ? favouriteHour : random.int(7, 19);
      const minute = day * 1440 + hour * 60 + random.int(0, 59);
      if (cancellationOnly) {
        const invoice = addInvoice(minute, customer, country, true);
        lines.push(
          random.pick(favourites),
          -random.int(1, 12),
          (products[0] as CatalogItem).priceMilli,
        );
        close(invoice);
        break;
      }
      const invoice = addInvoice(minute, customer, country, false);
      const count = random.int(profile.lines[0], profile.lines[1]);
      const seen = new Set<number>();
      for (let l = 0; l < count; l++) {
        const item = random.chance(0.7) ? random.pick(favourites) : random.weighted(popularity);
        if (seen.has(item)) continue;
        seen.add(item);
        const quantity =
          random.int(profile.quantity[0], profile.quantity[1]) * (random.chance(0.03) ? 12 : 1);
        const price = random.chance(0.004) ? 0 : (catalog[item] as CatalogItem).priceMilli;
        lines.push(item, quantity, price);
        if (random.chance(0.012)) lines.push(item, quantity, price); // exact duplicate
        if (random.chance(0.004)) lines.push(item, quantity, price + 100); // same key, other price
        if (random.chance(0.003)) lines.push(item, quantity, price, 1); // same key, a minute later
      }
      if (country !== 0 && random.chance(0.7)) lines.push(service + POST, random.int(1, 3), 18_000);
      if (random.chance(0.02))
        lines.push(service + random.int(0, SERVICE_ITEMS.length - 1), 1, 2_550);
      if (random.chance(0.01)) lines.push(nextDay, 1, NEXT_DAY_CARRIAGE.priceMilli);
      if (random.chance(0.005)) lines.push(highRes, 1, HIGH_RESOLUTION_IMAGE.priceMilli);
      close(invoice);
      if (random.chance(profile.cancelRate)) {
        const later = minute + random.int(10, 20 * 1440);
        if (later < (LAST_DAY + 1) * 1440) {
          const start = invoice.lineStart;
          const cancel = addInvoice(later, customer, country, true);
          for (let c = random.int(1, 3); c > 0; c--) {
            const at = start + random.int(0, invoice.lineCount - 1);
            lines.push(
              lines.item[at] as number,
              -random.int(1, Math.max(1, lines.quantity[at] as number)),
              lines.price[at] as number,
            );
          }
          if (random.chance(0.15)) lines.push(service + DISCOUNT, -1, random.int(1, 40) * 1000);
          close(cancel);
        }
      }
    }
  }

  // Walk-in trade without a customer account.
  while (lines.length < rows) {
    const day = random.int(FIRST_DAY, LAST_DAY);
    const minute = (weekday(day) === 5 ? day + 1 : day) * 1440 + random.int(7 * 60, 19 * 60);
    const invoice = addInvoice(
      Math.min(minute, (LAST_DAY + 1) * 1440 - 1),
      0,
      random.chance(0.9) ? 0 : random.int(1, COUNTRIES.length - 1),
      false,
    );
    const count = random.int(1, 60);
    for (let l = 0; l < count && lines.length < rows; l++) {
      if (random.chance(0.02)) lines.push(noDescription, random.int(-20, 40), 0);
      else {
        const item = random.weighted(popularity);
        lines.push(item, random.int(1, 10), (catalog[item] as CatalogItem).priceMilli);
      }
    }
    if (lines.length < rows && random.chance(0.3))
      lines.push(service + DOTCOM, 1, random.int(50, 900) * 100);
    close(invoice);
  }

  invoices.sort((a, b) => a.minute - b.minute);
  // Bytes straight into the file buffer: a string per line would cost more in GC than the rest.
  const writer = new ByteCsvWriter(csvPath);
  const quoted = (s: string): Buffer => Buffer.from(csvQuote(s));
  const codes = catalog.map((item) => quoted(item.code));
  const descriptions = catalog.map((item) =>
    item.description === null ? Buffer.alloc(0) : quoted(item.description),
  );
  const countries = COUNTRIES.map(quoted);
  for (let n = 0; n < invoices.length; n++) {
    const invoice = invoices[n] as Invoice;
    const number = Buffer.from(`"${invoice.cancelled ? 'C' : ''}${FIRST_INVOICE + n}",`);
    const dates = [timestamp(invoice.minute), timestamp(invoice.minute + 1)];
    const country = countries[invoice.country] as Buffer;
    for (let i = invoice.lineStart; i < invoice.lineStart + invoice.lineCount; i++) {
      const item = lines.item[i] as number;
      writer.reserve(1024);
      writer.bytes(number);
      writer.bytes(codes[item] as Buffer);
      writer.byte(COMMA);
      writer.bytes(descriptions[item] as Buffer);
      writer.byte(COMMA);
      writer.int(lines.quantity[i] as number);
      writer.byte(COMMA);
      writer.bytes(dates[lines.shift[i] as number] as Buffer);
      writer.byte(COMMA);
      writer.thousandths(lines.price[i] as number);
      writer.byte(COMMA);
      if (invoice.customer) writer.int(invoice.customer);
      writer.byte(COMMA);
      writer.bytes(country);
      writer.endRow();
    }
    if (n % 4096 === 0) onRows?.(writer.rows);
  }
  writer.close();
  return writer.rows;
}

/** The `sample:` source: generate the CSV in the scratch folder, then load it as typed Parquet. */
export async function generateSample(
  ctx: StageContext<DownloadParams>,
  settings: {rows: number; seed: number},
  out: string,
): Promise<void> {
  const csv = join(ctx.tmpdir, 'sample.csv');
  ctx.progress.start(`generate sample (seed ${settings.seed})`, settings.rows, 'rows');
  try {
    generateSampleCsv(settings.rows, settings.seed, csv, (n) => ctx.progress.update(n));
    ctx.progress.done();
    await typedCsvToParquet(await stageDuckDb(ctx), csv, out);
  } finally {
    await rm(csv, {force: true});
  }
}

function monthStartDay(month: number): number {
  return Date.UTC(2010, 11 + month, 1) / DAY_MS;
}

/** Monday = 0 ... Sunday = 6. */
function weekday(day: number): number {
  return (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
}

function timestamp(minute: number): Buffer {
  return Buffer.from(
    `"${new Date(minute * 60_000).toISOString().slice(0, 16).replace('T', ' ')}:00"`,
  );
}
