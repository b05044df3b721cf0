"""Reference implementation of SEMANTICS.md (clean, rfm, seasonality) in idiomatic pandas.

Independent of the TypeScript/DuckDB stages: tests compare every customer's 15 features with it,
and bench/data-stages-bench.mjs times it side by side with ours. Run with Debian's python3-pandas:

    /usr/bin/python3 test/reference/features_pandas.py online-retail.csv.gz OUT_DIR

Writes OUT_DIR/cleaning.json (rows after each step), OUT_DIR/customers.csv (CustomerID + the 12
rfm columns) and OUT_DIR/seasonality.csv (CustomerID + 3), floats at full precision.
"""
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SERVICE_DESCRIPTIONS = ["Next Day Carriage", "High Resolution Image"]
DUPLICATE_KEY = ["InvoiceNo", "StockCode", "Description", "CustomerID", "Quantity"]


def clean(df):
    counts = {}
    df = df.dropna(subset=["CustomerID", "Description"])
    counts["1_drop_missing"] = len(df)
    df = df.drop_duplicates(subset=DUPLICATE_KEY, keep="first")
    counts["2_drop_duplicates"] = len(df)
    df = df.assign(
        Transaction_Status=np.where(df["InvoiceNo"].str.startswith("C"), "Cancelled", "Completed")
    )
    counts["3_mark_status"] = len(df)
    df = df[df["StockCode"].str.count(r"\d") > 1]
    counts["4_drop_service_codes"] = len(df)
    df = df[~df["Description"].isin(SERVICE_DESCRIPTIONS)]
    df = df.assign(Description=df["Description"].str.upper())
    counts["5_drop_service_descriptions"] = len(df)
    df = df[df["UnitPrice"] > 0]
    counts["6_keep_positive_price"] = len(df)
    return df.assign(CustomerID=df["CustomerID"].astype("int64")), counts


def mode_smallest(df, column):
    """The value with the most rows per customer; ties go to the smallest value."""
    counts = df.groupby(["CustomerID", column]).size().rename("n").reset_index()
    counts = counts.sort_values(["CustomerID", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("CustomerID").set_index("CustomerID")[column]


def rfm(df):
    g = df.groupby("CustomerID", sort=True)
    out = pd.DataFrame(index=g.size().index)
    out["Days_Since_Last_Purchase"] = (df["Day"].max() - g["Day"].max()).dt.days
    out["Total_Transactions"] = g["InvoiceNo"].nunique()
    out["Total_Products_Purchased"] = g["Quantity"].sum()
    out["Total_Spend"] = g["Spend"].sum()
    out["Average_Transaction_Value"] = out["Total_Spend"] / out["Total_Transactions"]
    out["Unique_Products_Purchased"] = g["StockCode"].nunique()
    rows = g.size()
    span = (g["Day"].last() - g["Day"].first()).dt.days
    out["Average_Days_Between_Purchases"] = (span / (rows - 1)).where(rows > 1, 0.0)
    out["Day_Of_Week"] = mode_smallest(df, "Day_Of_Week")
    out["Hour"] = mode_smallest(df, "Hour")
    out["Is_UK"] = (mode_smallest(df, "Country") == "United Kingdom").astype("int64")
    cancelled = df[df["Transaction_Status"] == "Cancelled"]
    out["Cancellation_Frequency"] = (
        cancelled.groupby("CustomerID")["InvoiceNo"].nunique().reindex(out.index, fill_value=0)
    )
    out["Cancellation_Rate"] = out["Cancellation_Frequency"] / out["Total_Transactions"]
    return out


def seasonality(df):
    monthly = (
        df.groupby(["CustomerID", df["InvoiceDate"].dt.year.rename("Year"), df["InvoiceDate"].dt.month.rename("Month")])[
            "Spend"
        ]
        .sum()
        .reset_index()
    )
    by = monthly.groupby("CustomerID")["Spend"]
    out = pd.DataFrame({"Monthly_Spending_Mean": by.mean(), "Monthly_Spending_Std": by.std(ddof=1).fillna(0.0)})
    x = monthly.groupby("CustomerID").cumcount().astype("float64")
    dx = x - x.groupby(monthly["CustomerID"]).transform("mean")
    dy = monthly["Spend"] - by.transform("mean")
    num = (dx * dy).groupby(monthly["CustomerID"]).sum()
    den = (dx * dx).groupby(monthly["CustomerID"]).sum()
    out["Spending_Trend"] = (num / den).where(den > 0, 0.0)
    return out


def main():
    source, out_dir = sys.argv[1], Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = pd.read_csv(
        source,
        dtype={"InvoiceNo": str, "StockCode": str, "Description": str, "Country": str},
        parse_dates=["InvoiceDate"],
    )
    df, counts = clean(raw)
    df = df.assign(
        Day=df["InvoiceDate"].dt.normalize(),
        Spend=df["UnitPrice"] * df["Quantity"],
        Day_Of_Week=df["InvoiceDate"].dt.dayofweek,
        Hour=df["InvoiceDate"].dt.hour,
    )
    counts["customers"] = int(df["CustomerID"].nunique())
    (out_dir / "cleaning.json").write_text(json.dumps(counts, sort_keys=True, indent=2) + "\n")
    rfm(df).to_csv(out_dir / "customers.csv", index_label="CustomerID")
    seasonality(df).to_csv(out_dir / "seasonality.csv", index_label="CustomerID")


if __name__ == "__main__":
    main()
