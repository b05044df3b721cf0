/**
 * The 15 raw customer features a model scores, in model order (SEMANTICS.md "train"): the 12 rfm
 * columns of customers.parquet, then the 3 of seasonality.parquet.
 */
export const CUSTOMER_FEATURES = [
  'Days_Since_Last_Purchase',
  'Total_Transactions',
  'Total_Products_Purchased',
  'Total_Spend',
  'Average_Transaction_Value',
  'Unique_Products_Purchased',
  'Average_Days_Between_Purchases',
  'Day_Of_Week',
  'Hour',
  'Is_UK',
  'Cancellation_Frequency',
  'Cancellation_Rate',
  'Monthly_Spending_Mean',
  'Monthly_Spending_Std',
  'Spending_Trend',
] as const;

export type CustomerFeature = (typeof CUSTOMER_FEATURES)[number];
