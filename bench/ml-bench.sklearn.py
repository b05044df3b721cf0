#!/usr/bin/python3
"""The train + evaluate work of the flagship pipeline, done the idiomatic pandas/scikit-learn way,
as the peer of our plugins in bench/ml-bench.mjs (imports included in its time).

Usage: /usr/bin/python3 ml-bench.sklearn.py FEATURES.csv CLEAN.csv OUT_DIR
Prints one JSON line: seconds per phase and peak RSS.
"""
import time

T0 = time.perf_counter()
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

FEATURES = [
    "Days_Since_Last_Purchase", "Total_Transactions", "Total_Products_Purchased", "Total_Spend",
    "Average_Transaction_Value", "Unique_Products_Purchased", "Average_Days_Between_Purchases",
    "Day_Of_Week", "Hour", "Is_UK", "Cancellation_Frequency", "Cancellation_Rate",
    "Monthly_Spending_Mean", "Monthly_Spending_Std", "Spending_Trend",
]
features_csv, clean_csv, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
phases = {"imports": time.perf_counter() - T0}

t = time.perf_counter()
customers = pd.read_csv(features_csv).sort_values("CustomerID").reset_index(drop=True)
clean = pd.read_csv(clean_csv, dtype={"StockCode": str, "Description": str})
phases["read"] = time.perf_counter() - t

# train
t = time.perf_counter()
X = customers[FEATURES].to_numpy(dtype=float)
forest = IsolationForest(n_estimators=100, max_samples=256, contamination=0.05, random_state=0).fit(X)
outlier = forest.predict(X) == -1
inliers = X[~outlier]
scaler = StandardScaler().fit(inliers)
Z = scaler.transform(X)
pca = PCA(svd_solver="full").fit(Z[~outlier])
n_comp = int(np.argmax(np.cumsum(pca.explained_variance_ratio_) >= 0.8)) + 1
scores = (Z - pca.mean_) @ pca.components_[:n_comp].T
km = KMeans(n_clusters=3, n_init=10, max_iter=300, tol=1e-4, random_state=0).fit(scores[~outlier])
sizes = np.bincount(km.labels_, minlength=3)
order = sorted(range(3), key=lambda c: (-sizes[c], c))
centroids = km.cluster_centers_[order]
labels = np.argmin(((scores[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2), axis=1)
segments = pd.DataFrame(scores, columns=[f"PC{i + 1}" for i in range(n_comp)])
segments.insert(0, "CustomerID", customers["CustomerID"])
segments["cluster"] = labels
segments["is_outlier"] = outlier
histograms = {f: dict(zip(("counts", "edges"), (h.tolist() for h in np.histogram(inliers[:, j], bins=10))))
              for j, f in enumerate(FEATURES)}
profiles = customers.loc[~outlier, FEATURES].groupby(labels[~outlier]).mean()
model = {
    "features": FEATURES, "scaler": {"mean": scaler.mean_.tolist(), "std": scaler.scale_.tolist()},
    "pca": {"mean": pca.mean_.tolist(), "components": pca.components_[:n_comp].tolist()},
    "centroids": centroids.tolist(), "histograms": histograms, "profiles": profiles.to_dict(),
}
with open(os.path.join(out, "model.json"), "w") as f:
    json.dump(model, f, sort_keys=True)
segments.to_csv(os.path.join(out, "segments.csv"), index=False)
seg_in = segments.loc[~segments["is_outlier"], ["CustomerID", "cluster"]]
rows = clean.merge(seg_in, on="CustomerID")
top = (rows.groupby(["cluster", "StockCode", "Description"], as_index=False)["Quantity"].sum()
       .sort_values(["cluster", "Quantity", "StockCode", "Description"], ascending=[True, False, True, True])
       .groupby("cluster").head(10))
top["product_rank"] = top.groupby("cluster").cumcount()
bought = clean[["CustomerID", "StockCode"]].drop_duplicates()
cand = segments[["CustomerID", "cluster"]].merge(top, on="cluster")
cand = cand.merge(bought.assign(bought=True), on=["CustomerID", "StockCode"], how="left")
cand = cand[cand["bought"].isna()].sort_values(["cluster", "CustomerID", "product_rank"])
recs = cand.groupby("CustomerID").head(3)
recs.to_csv(os.path.join(out, "recommendations.csv"), index=False)
phases["train"] = time.perf_counter() - t

# evaluate
t = time.perf_counter()
Xk, yk = scores[~outlier], labels[~outlier]
metrics = {
    "silhouette": silhouette_score(Xk, yk), "calinski_harabasz": calinski_harabasz_score(Xk, yk),
    "davies_bouldin": davies_bouldin_score(Xk, yk),
    "inertia": float(((Xk - centroids[yk]) ** 2).sum()), "sizes": np.bincount(yk).tolist(),
}
by_k = {}
for k in range(2, 11):
    fit = KMeans(n_clusters=k, n_init=10, max_iter=300, tol=1e-4, random_state=0).fit(Xk)
    by_k[k] = {"silhouette": silhouette_score(Xk, fit.labels_), "inertia": fit.inertia_}
with open(os.path.join(out, "metrics.json"), "w") as f:
    json.dump(metrics, f, sort_keys=True)
with open(os.path.join(out, "silhouette_by_k.json"), "w") as f:
    json.dump(by_k, f, sort_keys=True)
phases["evaluate"] = time.perf_counter() - t

print(json.dumps({
    "phases": phases, "total": time.perf_counter() - T0,
    "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "cpu": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
    "outliers": int(outlier.sum()), "components": n_comp, "sizes": metrics["sizes"],
    "silhouette": metrics["silhouette"],
}))
