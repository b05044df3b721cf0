import type {TransactionColumn} from '../shared-data/transactions-schema.js';

/** `with:` of a clean stage; each step of SEMANTICS.md "clean" can be switched off. */
export interface CleanParams {
  /** 1. Drop rows with a missing CustomerID or Description. */
  readonly dropMissing: boolean;
  /** 2. Drop rows repeating an earlier row's `duplicateKey` values (the first in file order stays). */
  readonly dropDuplicates: boolean;
  readonly duplicateKey: readonly TransactionColumn[];
  /** 3. Add `Transaction_Status` (Cancelled for InvoiceNo starting with C, else Completed). */
  readonly markStatus: boolean;
  /** 4. Drop rows whose StockCode has fewer than two digits (POST, D, M, BANK CHARGES...). */
  readonly dropServiceCodes: boolean;
  /** 5. Drop rows whose Description is exactly one of `serviceDescriptions`... */
  readonly dropServiceDescriptions: boolean;
  readonly serviceDescriptions: readonly string[];
  /** ...then upper-case Description. */
  readonly upperCaseDescription: boolean;
  /** 6. Keep rows with UnitPrice > 0. */
  readonly keepPositivePrice: boolean;
}

export const DEFAULT_DUPLICATE_KEY: readonly TransactionColumn[] = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'CustomerID',
  'Quantity',
];

export const DEFAULT_SERVICE_DESCRIPTIONS = ['Next Day Carriage', 'High Resolution Image'];
