#!/usr/bin/python3
"""The whole flagship pipeline as one idiomatic pandas/scikit-learn script, the peer of
`runner repro evaluate` in bench/flagship-bench.mjs: read the CSV, clean, rfm, seasonality
(test/reference/features_pandas.py), then train and evaluate incl. the silhouette sweep k=2..10
(the same work as bench/ml-bench.sklearn.py), metrics written.

Usage: /usr/bin/python3 bench/flagship_pandas_sklearn.py online-retail.csv.gz OUT_DIR
Prints one JSON line: seconds per phase (imports included) and the k=3 metrics.
"""
import time

START = time.perf_counter()
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "test" / "reference"))
from features_pandas import clean, rfm, seasonality  # noqa: E402

FEATURES = [
    "Days_Since_Last_Purchase", "Total_Transactions", "Total_Products_Purchased", "Total_Spend",
    "Average_Transaction_Value", "Unique_Products_Purchased", "Average_Days_Between_Purchases",
    "Day_Of_Week", "Hour", "Is_UK", "Cancellation_Frequency", "Cancellation_Rate",
    "Monthly_Spending_Mean", "Monthly_Spending_Std", "Spending_Trend",
]


def kmeans(k, X):
    return KMeans(n_clusters=k, n_init=10, max_iter=300, tol=1e-4, random_state=0).fit(X)


def features(source, out):
    raw = pd.read_csv(
        source,
        dtype={"InvoiceNo": str, "StockCode": str, "Description": str, "Country": str},
        parse_dates=["InvoiceDate"],
    )
    df, counts = clean(raw)
    del raw
    df = df.assign(
        Day=df["InvoiceDate"].dt.normalize(),
        Spend=df["UnitPrice"] * df["Quantity"],
        Day_Of_Week=df["InvoiceDate"].dt.dayofweek,
        Hour=df["InvoiceDate"].dt.hour,
    )
    (out / "cleaning.json").write_text(json.dumps(counts, sort_keys=True, indent=2) + "\n")
    customers = rfm(df).join(seasonality(df)).reset_index()
    customers.to_csv(out / "customers.csv", index=False)
    return df, customers


def train(df, customers, out):
    X = customers[FEATURES].to_numpy(dtype=float)
    forest = IsolationForest(n_estimators=100, max_samples=256, contamination=0.05, random_state=0)
    outlier = forest.fit(X).predict(X) == -1
    scaler = StandardScaler().fit(X[~outlier])
    Z = scaler.transform(X)
    pca = PCA(svd_solver="full").fit(Z[~outlier])
    n_comp = int(np.argmax(np.cumsum(pca.explained_variance_ratio_) >= 0.8)) + 1
    scores = (Z - pca.mean_) @ pca.components_[:n_comp].T
    km = kmeans(3, scores[~outlier])
    sizes = np.bincount(km.labels_, minlength=3)
    centroids = km.cluster_centers_[sorted(range(3), key=lambda c: (-sizes[c], c))]
    labels = ((scores[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    segments = pd.DataFrame(scores, columns=[f"PC{i + 1}" for i in range(n_comp)])
    segments.insert(0, "CustomerID", customers["CustomerID"])
    segments["cluster"], segments["is_outlier"] = labels, outlier
    model = {
        "features": FEATURES,
        "scaler": {"mean": scaler.mean_.tolist(), "std": scaler.scale_.tolist()},
        "pca": {"mean": pca.mean_.tolist(), "components": pca.components_[:n_comp].tolist()},
        "centroids": centroids.tolist(),
        "histograms": {
            f: [h.tolist() for h in np.histogram(X[~outlier, j], bins=10)] for j, f in enumerate(FEATURES)
        },
        "profiles": customers.loc[~outlier, FEATURES].groupby(labels[~outlier]).mean().to_dict(),
    }
    (out / "model.json").write_text(json.dumps(model, sort_keys=True))
    segments.to_csv(out / "segments.csv", index=False)

    rows = df[["CustomerID", "StockCode", "Description", "Quantity"]]
    top = (
        rows.merge(segments.loc[~outlier, ["CustomerID", "cluster"]], on="CustomerID")
        .groupby(["cluster", "StockCode", "Description"], as_index=False)["Quantity"].sum()
        .sort_values(["cluster", "Quantity", "StockCode", "Description"], ascending=[True, False, True, True])
        .groupby("cluster").head(10)
    )
    top["product_rank"] = top.groupby("cluster").cumcount()
    bought = rows[["CustomerID", "StockCode"]].drop_duplicates().assign(bought=True)
    cand = segments[["CustomerID", "cluster"]].merge(top, on="cluster")
    cand = cand.merge(bought, on=["CustomerID", "StockCode"], how="left")
    cand = cand[cand["bought"].isna()].sort_values(["cluster", "CustomerID", "product_rank"])
    cand.groupby("CustomerID").head(3).to_csv(out / "recommendations.csv", index=False)
    return scores[~outlier], labels[~outlier], centroids


def evaluate(Xk, yk, centroids, out):
    metrics = {
        "silhouette": silhouette_score(Xk, yk),
        "calinski_harabasz": calinski_harabasz_score(Xk, yk),
        "davies_bouldin": davies_bouldin_score(Xk, yk),
        "inertia": float(((Xk - centroids[yk]) ** 2).sum()),
        "sizes": np.bincount(yk).tolist(),
    }
    by_k = {}
    for k in range(2, 11):
        fit = kmeans(k, Xk)
        by_k[k] = {"silhouette": silhouette_score(Xk, fit.labels_), "inertia": fit.inertia_}
    (out / "silhouette_by_k.json").write_text(json.dumps(by_k, sort_keys=True))
    (out / "metrics.json").write_text(json.dumps(metrics, sort_keys=True))
    return metrics


def main():
    source, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    phases = {"imports": time.perf_counter() - START}
    t = time.perf_counter()
    df, customers = features(source, out)
    phases["features"], t = time.perf_counter() - t, time.perf_counter()
    trained = train(df, customers, out)
    phases["train"], t = time.perf_counter() - t, time.perf_counter()
    metrics = evaluate(*trained, out)
    phases["evaluate"] = time.perf_counter() - t
    print(json.dumps({"phases": phases, "customers": len(customers), **metrics}))


if __name__ == "__main__":
    main()
