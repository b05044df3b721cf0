"""The reference peer for bench/serve-bench.mjs: what the original predict.py served on Vertex AI.

A Flask app whose /predict runs scikit-learn's KMeans.predict on the posted instances (points in
PCA space, as the original's KMeans was fitted on PCA scores) and answers {"predictions": [...]}.
The KMeans is rebuilt from model.json's centroids (fitting on the centroids themselves keeps
them exactly). Served by Flask's development server, as the original's container did.

Run: /usr/bin/python3 bench/flask_predict.py MODEL_JSON PORT
"""
import json
import sys

import numpy as np
from flask import Flask, jsonify, request
from sklearn.cluster import KMeans

model_path, port = sys.argv[1], int(sys.argv[2])
with open(model_path) as f:
    centroids = np.asarray(json.load(f)['kmeans']['centroids'], dtype=np.float64)
kmeans = KMeans(n_clusters=len(centroids), init=centroids, n_init=1, max_iter=1).fit(centroids)
assert np.allclose(kmeans.cluster_centers_, centroids)

app = Flask(__name__)


@app.route('/health')
def health():
    return jsonify({'status': 'ok'})


@app.route('/predict', methods=['POST'])
def predict():
    instances = request.get_json()['instances']
    return jsonify({'predictions': kmeans.predict(np.asarray(instances, dtype=np.float64)).tolist()})


if __name__ == '__main__':
    app.run(host='127.0.0.1', port=port)
