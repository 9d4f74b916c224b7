"""Classification accuracy: the shipped model on the dev gold set, how its recipe was
chosen, what document context adds, a learning curve, and baselines.

Every model here is trained on the training corpus and its silver labels only;
``gold/dev.jsonl`` and the dev documents are used for scoring. Recipes are
compared by cross-validation over the silver set with folds grouped by
document, scored on the recent work reports (the genre of the dev and test
documents), then confirmed on dev.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from common import plain_jieba, quick_subset, read_jsonl
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import policytext
from policytext._api import has_content
from policytext._context import SOURCES, context_features, fit_context_model
from policytext._structure import document_structure
from policytext._training import (
    TrainingData,
    context_rows,
    cross_fit,
    evaluate_documents,
    evaluate_sentences,
    is_in_domain,
    read_training_data,
)

# The keyword-rule baseline: words from the annotation guidelines' description
# of each domain. A sentence takes the domain with the most keyword hits
# (ties: the first listed), or ``general`` with none.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "economy": ("经济增长", "生产总值", "财政", "税", "金融", "债", "消费", "投资", "物价",
                "内需", "统计", "审计", "银行", "资本市场"),
    "innovation": ("科技", "创新", "研发", "实验室", "人才", "专利", "知识产权", "科学",
                   "核心技术", "高新"),
    "industry": ("产业", "制造业", "工业", "企业", "服务业", "物流", "商贸", "旅游", "能源",
                 "园区", "品牌", "市场主体"),
    "digital": ("数字", "数据", "人工智能", "算力", "5G", "互联网", "信息化", "一网通办",
                "一网统管", "网络安全", "平台经济"),
    "reform": ("改革", "营商环境", "国企", "国有企业", "民营经济", "产权", "放管服", "市场监管",
               "公平竞争", "信用"),
    "opening": ("开放", "外贸", "出口", "进口", "外资", "一带一路", "自贸", "口岸", "海关",
                "国际合作", "博览会"),
    "urban": ("城市", "城镇化", "交通", "铁路", "公路", "地铁", "机场", "供水", "燃气", "电网",
              "房地产", "住房", "土地", "规划"),
    "regional": ("区域", "协调发展", "城市群", "都市圈", "一体化", "经济带", "县域", "对口",
                 "东西部协作", "革命老区", "边疆"),
    "rural": ("农业", "农村", "乡村", "粮食", "耕地", "农民", "林业", "畜牧", "渔业", "水利",
              "脱贫"),
    "ecology": ("生态", "环境", "污染", "碳达峰", "碳中和", "节能", "绿色", "低碳", "减排",
                "河长制", "生物多样性"),
    "education": ("教育", "学校", "教师", "高校", "大学", "学前", "义务教育"),
    "health": ("医疗", "医院", "卫生", "健康", "医保", "药品", "中医药", "疫情", "体育",
               "全民健身"),
    "livelihood": ("就业", "收入", "工资", "养老", "社会保障", "社保", "救助", "托育",
                   "保障性住房", "残疾人", "妇女", "儿童", "退役军人", "民生", "公共服务"),
    "culture": ("文化", "文物", "文艺", "精神文明", "核心价值观", "新闻", "出版", "非遗", "文明"),
    "governance": ("治理", "社区", "安全生产", "应急", "防灾", "公共安全", "治安", "信访",
                   "食品安全", "国家安全", "平安"),
    "law": ("人大", "政协", "民主", "法治", "依法", "司法", "统一战线", "民族", "宗教",
            "政府建设", "作风", "监督"),
    "party": ("党", "干部", "从严治党", "反腐", "廉政", "纪律", "主题教育"),
    "defense": ("国防", "军队", "双拥", "外交", "港澳", "台湾", "侨"),
}  # fmt: skip

# Model 1's recipe (policytext 0.1): C=1, every n-gram, recent work reports
# weighing 2 and policy documents 0.5, no in-domain weights.
MODEL_1 = {"C": 1.0, "min_df": 1}


def keyword_label(text: str) -> str:
    """The keyword-rule baseline's domain for ``text``."""
    hits = {domain: sum(text.count(word) for word in words) for domain, words in KEYWORDS.items()}
    best = max(hits, key=lambda domain: hits[domain])
    return best if hits[best] else "general"


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    return {
        "accuracy": float(np.mean(np.asarray(truth) == np.asarray(predicted))),
        "macro_f1": float(f1_score(truth, predicted, average="macro")),
    }


def model_1_weighting(data: TrainingData) -> TrainingData:
    """``data`` weighted as model 1 was: agreement ignored, no in-domain sentences."""
    weights = np.array(
        [
            2.0 if is_in_domain(*data.kinds[doc]) else
            0.5 if data.kinds[doc][0] == "policy_document" else 1.0
            for doc in data.groups.tolist()
        ]
    )  # fmt: skip
    return data._replace(weights=weights, in_domain=np.zeros(len(weights), dtype=bool))


class Candidate(NamedTuple):
    name: str
    what: str
    params: dict[str, Any]
    data: Callable[[TrainingData], TrainingData]


CANDIDATES = (
    Candidate("model 1 recipe", "C=1, every n-gram, weights by kind", MODEL_1, model_1_weighting),
    Candidate("C=0.2", "stronger regularisation", {**MODEL_1, "C": 0.2}, model_1_weighting),
    Candidate(
        "+ in-domain weights",
        "recent work reports get weights of their own on top of the shared ones",
        {**MODEL_1, "C": 0.2},
        lambda data: model_1_weighting(data)._replace(in_domain=data.in_domain),
    ),
    Candidate(
        "+ disagreement at half weight",
        "sentences whose two labels disagreed weigh half",
        {**MODEL_1, "C": 0.2},
        lambda data: data,
    ),
    Candidate(
        "+ n-grams of 3 sentences or more (shipped)",
        "drops rarer n-grams: 4 times fewer features, the model fits in 15 MB",
        {},
        lambda data: data,
    ),
)


class Subsets(NamedTuple):
    """Where cross-validated scores are read: masks over the silver sentences."""

    recent: np.ndarray  # recent work reports, the model's own domain
    newest: np.ndarray  # the provincial work reports of 2025 and later, closest to dev


def subsets(data: TrainingData) -> Subsets:
    kinds = [data.kinds[doc] for doc in data.groups.tolist()]
    return Subsets(
        data.in_domain.copy(),
        np.array([k == "government_work_report" and y >= 2025 for k, y in kinds]),
    )


def _cv_scores(truth: np.ndarray, predicted: np.ndarray, where: Subsets) -> dict[str, float]:
    return {
        "cv_recent_accuracy": float(np.mean(truth[where.recent] == predicted[where.recent])),
        "cv_recent_macro_f1": float(
            f1_score(truth[where.recent], predicted[where.recent], average="macro")
        ),
        "cv_newest_accuracy": float(np.mean(truth[where.newest] == predicted[where.newest])),
        "cv_all_accuracy": float(np.mean(truth == predicted)),
    }


def _dev(model: policytext.PolicyClassifier, dev: list[dict[str, Any]]) -> dict[str, float]:
    found = scores([d["label"] for d in dev], model.predict([d["text"] for d in dev]).tolist())
    return {f"dev_{key}": value for key, value in found.items()}


def candidates(
    data: TrainingData, dev: list[dict[str, Any]], quick: bool
) -> tuple[list[dict[str, Any]], Any]:
    """Grouped cross-validation and dev scores of each recipe tried on the way to the
    shipped one; also returns the shipped recipe's cross-fit, for the context ablation."""
    rows, where, truth = [], subsets(data), np.array(data.labels)
    fitted = None
    for candidate in CANDIDATES[-1:] if quick else CANDIDATES:
        weighted = candidate.data(data)
        fitted = cross_fit(weighted, candidate.params)
        predicted = fitted.classes[fitted.sentence_scores.argmax(axis=1)]
        model = policytext.PolicyClassifier(**{**candidate.params, "calibration_folds": 0})
        model.fit(weighted.texts, weighted.labels, weighted.weights, in_domain=weighted.in_domain)
        rows.append(
            {
                "name": candidate.name,
                "what": candidate.what,
                "features": len(model.vectorizer_.idf_),
                **_cv_scores(truth, predicted, where),
                **_dev(model, dev),
            }
        )
        print("candidate", rows[-1], file=sys.stderr)
    return rows, fitted


def context_ablation(
    data: TrainingData, fitted: Any, model: policytext.PolicyClassifier, data_dir: Path
) -> list[dict[str, Any]]:
    """What each source of context adds: the context model refitted with only some
    sources, scored by grouped cross-validation on silver and in the dev documents."""
    features, rows = context_rows(data, fitted, model.temperature_)
    k = len(model.classes_)
    targets = np.searchsorted(model.classes_, np.asarray(data.labels)[rows])
    weights, groups = data.weights[rows], data.groups[rows]
    where = subsets(data)
    recent, newest = where.recent[rows], where.newest[rows]
    variants = [(), ("heading",), ("lead",), ("previous", "next"), ("heading", "previous", "next"),
                SOURCES, (*SOURCES, "undoubted")]  # fmt: skip
    undoubted = _undoubted(features, k)
    results = []
    shipped_context = model.context_
    for sources in variants:
        kept = (undoubted if "undoubted" in sources else features).copy()
        for index, source in enumerate(SOURCES):
            if source not in sources:
                kept[:, k + index * (k + 1) : k + (index + 1) * (k + 1)] = 0.0
        predicted = np.zeros(len(targets), dtype=np.int64)
        for train, test in GroupKFold(5).split(kept, targets, groups):
            context = fit_context_model(kept[train], targets[train], k, weights[train])
            predicted[test] = context.predict_proba(kept[test]).argmax(axis=1)
        model.context_ = fit_context_model(kept, targets, k, weights)
        if "undoubted" in sources:
            documents = _undoubted_in_documents(model, data_dir)
        else:
            documents = evaluate_documents(
                model, data_dir / "corpus" / "dev_documents.jsonl", data_dir / "gold" / "dev.jsonl"
            )
        results.append(
            {
                "sources": [source for source in sources if source != "undoubted"],
                "doubt_scaling": "undoubted" not in sources,
                "cv_recent_accuracy": float(np.mean(predicted[recent] == targets[recent])),
                "cv_newest_accuracy": float(np.mean(predicted[newest] == targets[newest])),
                "dev_document_accuracy": documents["accuracy"],
                "dev_document_macro_f1": documents["macro_f1"],
            }
        )
        print("context", results[-1], file=sys.stderr)
    model.context_ = shipped_context
    return results


def _undoubted(features: np.ndarray, k: int) -> np.ndarray:
    """Context features with the context blocks no longer scaled by the sentence's doubt."""
    doubt = 1.0 - np.exp(features[:, :k]).max(axis=1, keepdims=True)
    undoubted = features.copy()
    undoubted[:, k:] = np.divide(
        features[:, k:], doubt, out=np.zeros_like(features[:, k:]), where=doubt > 0
    )
    return undoubted


def _undoubted_in_documents(model: policytext.PolicyClassifier, data_dir: Path) -> dict[str, float]:
    """In-document dev scores of a context model fitted on :func:`_undoubted` features
    (``classify_document`` scales by doubt, so this one variant is applied here)."""
    results: dict[str, list[tuple[str, str]]] = {}
    for document in read_jsonl(data_dir / "corpus" / "dev_documents.jsonl"):
        structure = document_structure(document["text"])
        known = sorted({s.text for s in structure if has_content(s.text)})
        probabilities = dict(zip(known, model.predict_proba(known), strict=True))
        features = _undoubted(context_features(structure, probabilities), len(model.classes_))
        best = model.context_.predict_proba(features).argmax(axis=1)
        results[document["doc_id"]] = [
            (s.text, str(model.classes_[b])) for s, b in zip(structure, best, strict=True)
        ]
    truth, predicted = [], []
    for record in read_jsonl(data_dir / "gold" / "dev.jsonl"):
        found = next(
            (label for text, label in results.get(record["doc"], []) if record["text"] in text),
            "general",
        )
        truth.append(record["label"])
        predicted.append(found)
    return scores(truth, predicted)


def learning_curve(
    data: TrainingData, dev: list[dict[str, Any]], quick: bool
) -> list[dict[str, Any]]:
    """Dev scores of model 1's recipe and the shipped one on random subsets of silver."""
    sizes = [1600] if quick else [6400, 12800, 25000, 50000]
    sizes = [size for size in sizes if size < len(data.texts)] + [len(data.texts)]
    order = np.random.default_rng(0).permutation(len(data.texts))
    points = []
    for size in sizes:
        chosen = np.sort(order[:size])
        for recipe, params, weighted in (
            ("model 1", MODEL_1, model_1_weighting(data).subset(chosen)),
            ("shipped", {}, data.subset(chosen)),
        ):
            model = policytext.PolicyClassifier(**{**params, "calibration_folds": 0}).fit(
                weighted.texts, weighted.labels, weighted.weights, in_domain=weighted.in_domain
            )
            points.append({"recipe": recipe, "sentences": size, **_dev(model, dev)})
            print("learning curve", points[-1], file=sys.stderr)
    return points


def baselines(data: TrainingData, dev: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Dev scores of simple baselines trained on the same silver sentences."""
    rows: dict[str, dict[str, Any]] = {}
    dev_texts, truth = [d["text"] for d in dev], [d["label"] for d in dev]

    def record(name: str, description: str, predicted: Sequence[str]) -> None:
        rows[name] = {"what": description, **scores(truth, predicted)}
        print(name, rows[name], file=sys.stderr)

    record(
        "keyword rules",
        "most keyword hits from the guidelines' domain descriptions; no training",
        [keyword_label(text) for text in dev_texts],
    )
    char_only = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=3),
        LinearSVC(C=0.2),
    ).fit(data.texts, data.labels)
    record(
        "character n-grams only",
        "scikit-learn TF-IDF of character 1-3-grams + LinearSVC, silver",
        char_only.predict(dev_texts).tolist(),
    )
    jieba = plain_jieba()
    jieba_words = make_pipeline(
        TfidfVectorizer(
            tokenizer=jieba.lcut,
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=3,
        ),
        LinearSVC(C=0.2),
    ).fit(data.texts, data.labels)
    record(
        "plain jieba TF-IDF",
        "scikit-learn TF-IDF of jieba.lcut word 1-2-grams + LinearSVC, silver",
        jieba_words.predict(dev_texts).tolist(),
    )
    return rows


def run(data_dir: Path, quick: bool) -> dict[str, Any]:
    """The shipped model in and out of document context, the recipes tried, the context
    ablation, the learning curve and baselines."""
    model = policytext.load_model()
    info = policytext.model_info(model)
    gold = data_dir / "gold" / "dev.jsonl"
    sentences = evaluate_sentences(model, gold)
    documents = evaluate_documents(model, data_dir / "corpus" / "dev_documents.jsonl", gold)
    dev = read_jsonl(gold)
    data = read_training_data(data_dir)
    if quick:
        data = quick_subset(data)
    tried, fitted = candidates(data, dev, quick)
    return {
        "model": {k: info[k] for k in ("model_version", "trained", "sha256", "size_bytes")},
        "dev_sentences": len(dev),
        "training_sentences": len(data.texts),
        "shipped": {
            "sentence": {k: sentences[k] for k in ("accuracy", "macro_f1", "top2")},
            "document": {k: documents[k] for k in ("accuracy", "macro_f1")},
        },
        "per_domain": {
            label: {
                "sentence_f1": row["f1"],
                "document_f1": documents["per_domain"][label]["f1"],
                "support": row["support"],
            }
            for label, row in sentences["per_domain"].items()
        },
        "confusion": sentences["confusion"],
        "candidates": tried,
        "context_ablation": context_ablation(data, fitted, model, data_dir),
        "learning_curve": learning_curve(data, dev, quick),
        "baselines": baselines(data, dev),
    }
