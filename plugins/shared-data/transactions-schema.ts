/**
 * The typed transactions table every flagship stage reads (SEMANTICS.md "Input"), in file column
 * order. `download` writes exactly these names and types.
 */
export const TRANSACTION_COLUMNS = [
  {name: 'InvoiceNo', type: 'VARCHAR'},
  {name: 'StockCode', type: 'VARCHAR'},
  {name: 'Description', type: 'VARCHAR'},
  {name: 'Quantity', type: 'INTEGER'},
  {name: 'InvoiceDate', type: 'TIMESTAMP'},
  {name: 'UnitPrice', type: 'DOUBLE'},
  {name: 'CustomerID', type: 'INTEGER'},
  {name: 'Country', type: 'VARCHAR'},
] as const;

/** One of the eight transaction column names. */
export type TransactionColumn = (typeof TRANSACTION_COLUMNS)[number]['name'];

export const TRANSACTION_COLUMN_NAMES: readonly TransactionColumn[] = TRANSACTION_COLUMNS.map(
  (c) => c.name,
);

/**
 * Money is summed exactly in integer micro-units (UnitPrice has at most 3 decimals in the data;
 * 6 leaves room), so totals do not depend on the order a parallel sum adds them in.
 */
export const MONEY_SCALE = 1_000_000;

/** SQL for one row's UnitPrice * Quantity in exact integer micro-units (BIGINT). */
export function spendMicrosSql(price = 'UnitPrice', quantity = 'Quantity'): string {
  return `(CAST(round(${price} * ${MONEY_SCALE}) AS BIGINT) * ${quantity})`;
}
