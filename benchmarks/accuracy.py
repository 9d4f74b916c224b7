"""Classification accuracy on the dev gold set: the shipped model against baselines.

Every model here is trained on the training corpus and its silver labels only;
``gold/dev.jsonl`` and the dev documents are used for scoring.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from common import plain_jieba, read_jsonl
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import policytext
from policytext._structure import document_structure
from policytext._training import evaluate_documents, evaluate_sentences, sample_weight

# The keyword-rule baseline: words from the annotation guidelines' description
# of each domain. A sentence takes the domain with the most keyword hits
# (ties: the first listed), or ``general`` with none.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "economy": (
        "经济增长",
        "生产总值",
        "财政",
        "税",
        "金融",
        "债",
        "消费",
        "投资",
        "物价",
        "内需",
        "统计",
        "审计",
        "银行",
        "资本市场",
    ),
    "innovation": (
        "科技",
        "创新",
        "研发",
        "实验室",
        "人才",
        "专利",
        "知识产权",
        "科学",
        "核心技术",
        "高新",
    ),
    "industry": (
        "产业",
        "制造业",
        "工业",
        "企业",
        "服务业",
        "物流",
        "商贸",
        "旅游",
        "能源",
        "园区",
        "品牌",
        "市场主体",
    ),
    "digital": (
        "数字",
        "数据",
        "人工智能",
        "算力",
        "5G",
        "互联网",
        "信息化",
        "一网通办",
        "一网统管",
        "网络安全",
        "平台经济",
    ),
    "reform": (
        "改革",
        "营商环境",
        "国企",
        "国有企业",
        "民营经济",
        "产权",
        "放管服",
        "市场监管",
        "公平竞争",
        "信用",
    ),
    "opening": (
        "开放",
        "外贸",
        "出口",
        "进口",
        "外资",
        "一带一路",
        "自贸",
        "口岸",
        "海关",
        "国际合作",
        "博览会",
    ),
    "urban": (
        "城市",
        "城镇化",
        "交通",
        "铁路",
        "公路",
        "地铁",
        "机场",
        "供水",
        "燃气",
        "电网",
        "房地产",
        "住房",
        "土地",
        "规划",
    ),
    "regional": (
        "区域",
        "协调发展",
        "城市群",
        "都市圈",
        "一体化",
        "经济带",
        "县域",
        "对口",
        "东西部协作",
        "革命老区",
        "边疆",
    ),
    "rural": (
        "农业",
        "农村",
        "乡村",
        "粮食",
        "耕地",
        "农民",
        "林业",
        "畜牧",
        "渔业",
        "水利",
        "脱贫",
    ),
    "ecology": (
        "生态",
        "环境",
        "污染",
        "碳达峰",
        "碳中和",
        "节能",
        "绿色",
        "低碳",
        "减排",
        "河长制",
        "生物多样性",
    ),
    "education": ("教育", "学校", "教师", "高校", "大学", "学前", "义务教育"),
    "health": (
        "医疗",
        "医院",
        "卫生",
        "健康",
        "医保",
        "药品",
        "中医药",
        "疫情",
        "体育",
        "全民健身",
    ),
    "livelihood": (
        "就业",
        "收入",
        "工资",
        "养老",
        "社会保障",
        "社保",
        "救助",
        "托育",
        "保障性住房",
        "残疾人",
        "妇女",
        "儿童",
        "退役军人",
        "民生",
        "公共服务",
    ),
    "culture": ("文化", "文物", "文艺", "精神文明", "核心价值观", "新闻", "出版", "非遗", "文明"),
    "governance": (
        "治理",
        "社区",
        "安全生产",
        "应急",
        "防灾",
        "公共安全",
        "治安",
        "信访",
        "食品安全",
        "国家安全",
        "平安",
    ),
    "law": (
        "人大",
        "政协",
        "民主",
        "法治",
        "依法",
        "司法",
        "统一战线",
        "民族",
        "宗教",
        "政府建设",
        "作风",
        "监督",
    ),
    "party": ("党", "干部", "从严治党", "反腐", "廉政", "纪律", "主题教育"),
    "defense": ("国防", "军队", "双拥", "外交", "港澳", "台湾", "侨"),
}
WEAK_WEIGHT = 0.2
SELF_TRAINING_THRESHOLD = 0.95
SELF_TRAINING_WEIGHT = 0.5


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


class _Data:
    """Silver training sentences with weights, weak labels, and the dev gold set."""

    def __init__(self, data: Path) -> None:
        silver = read_jsonl(data / "gold" / "silver.jsonl")
        dev = read_jsonl(data / "gold" / "dev.jsonl")
        self.documents = read_jsonl(data / "corpus" / "documents.jsonl")
        meta = {d["doc_id"]: d for d in self.documents}
        self.texts = [s["text"] for s in silver]
        self.labels = [s["label"] for s in silver]
        self.weights = np.array(
            [sample_weight(meta[s["doc"]]["kind"], meta[s["doc"]]["year"] or 0) for s in silver]
        )
        self.dev_texts = [d["text"] for d in dev]
        self.truth = [d["label"] for d in dev]
        # Weak labels from document structure: a sentence under a heading takes
        # the keyword-rule domain of that heading, when a keyword is there.
        self.weak: dict[str, str] = {}
        for document in self.documents:
            for sentence in document_structure(document["text"]):
                if sentence.heading and not sentence.is_heading and len(sentence.text) >= 8:
                    label = keyword_label(sentence.heading)
                    if label != "general":
                        self.weak.setdefault(sentence.text, label)

    def unlabelled(self) -> list[str]:
        seen = set(self.texts) | set(self.dev_texts)
        return [text for text in self.weak if text not in seen]


def _fit(sentences: Sequence[str], labels: Sequence[str], weight: Any) -> Any:
    # Two calibration folds instead of five: calibration scales probabilities
    # and never changes which domain is predicted, which is all that is scored.
    return policytext.PolicyClassifier(calibration_folds=2).fit(
        list(sentences), list(labels), weight
    )


def baselines(data: _Data, quick: bool) -> dict[str, dict[str, Any]]:
    """Dev scores of baselines and of models trained on other sources of labels."""
    rows: dict[str, dict[str, Any]] = {}

    def record(name: str, description: str, predicted: Sequence[str]) -> None:
        rows[name] = {"what": description, **scores(data.truth, predicted)}
        print(name, rows[name], file=sys.stderr)

    record(
        "keyword rules",
        "most keyword hits from the guidelines' domain descriptions; no training",
        [keyword_label(text) for text in data.dev_texts],
    )
    char_only = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), LinearSVC()
    ).fit(data.texts, data.labels)
    record(
        "character n-grams only",
        "scikit-learn TF-IDF of character 1-3-grams + LinearSVC, silver",
        char_only.predict(data.dev_texts).tolist(),
    )
    jieba = plain_jieba()
    jieba_words = make_pipeline(
        TfidfVectorizer(
            tokenizer=jieba.lcut,
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 2),
            sublinear_tf=True,
        ),
        LinearSVC(),
    ).fit(data.texts, data.labels)
    record(
        "plain jieba TF-IDF",
        "scikit-learn TF-IDF of jieba.lcut word 1-2-grams + LinearSVC, silver",
        jieba_words.predict(data.dev_texts).tolist(),
    )
    weak_texts = list(data.weak)
    weak_model = _fit(weak_texts, [data.weak[t] for t in weak_texts], None)
    record(
        "weak labels only",
        f"policytext model on {len(weak_texts):,} sentences labelled by their heading's keywords",
        weak_model.predict(data.dev_texts).tolist(),
    )
    silver = _fit(data.texts, data.labels, None)
    record(
        "silver only",
        f"policytext model on the {len(data.texts):,} silver sentences, all weights 1",
        silver.predict(data.dev_texts).tolist(),
    )
    unlabelled = data.unlabelled()
    pooled = _fit(
        data.texts + unlabelled,
        data.labels + [data.weak[t] for t in unlabelled],
        np.r_[data.weights, np.full(len(unlabelled), WEAK_WEIGHT)],
    )
    record(
        "weak + silver",
        f"silver (weighted by kind) + the other weakly labelled sentences at weight {WEAK_WEIGHT}",
        pooled.predict(data.dev_texts).tolist(),
    )
    if not quick:
        shipped_recipe = policytext.load_model()
        probabilities = shipped_recipe.predict_proba(unlabelled)
        confident = probabilities.max(axis=1) >= SELF_TRAINING_THRESHOLD
        self_trained = _fit(
            data.texts + [t for t, keep in zip(unlabelled, confident, strict=True) if keep],
            data.labels + shipped_recipe.classes_[probabilities.argmax(axis=1)][confident].tolist(),
            np.r_[data.weights, np.full(int(confident.sum()), SELF_TRAINING_WEIGHT)],
        )
        record(
            "silver + self-training",
            f"shipped recipe + unlabelled sentences it predicts with p >= "
            f"{SELF_TRAINING_THRESHOLD}, weight {SELF_TRAINING_WEIGHT}",
            self_trained.predict(data.dev_texts).tolist(),
        )
    return rows


def learning_curve(data: _Data, quick: bool) -> list[dict[str, float]]:
    """Dev scores of the shipped recipe trained on random subsets of the silver sentences."""
    sizes = [800, 3200] if quick else [400, 800, 1600, 3200]
    order = np.random.default_rng(0).permutation(len(data.texts))
    points = []
    for size in sizes:
        chosen = order[:size]
        model = _fit(
            [data.texts[i] for i in chosen],
            [data.labels[i] for i in chosen],
            data.weights[chosen],
        )
        points.append({"sentences": size, **scores(data.truth, model.predict(data.dev_texts))})
        print("learning curve", points[-1], file=sys.stderr)
    return points


def run(data_dir: Path, quick: bool) -> dict[str, Any]:
    """The shipped model in and out of document context, baselines, learning curve."""
    model = policytext.load_model()
    info = policytext.model_info(model)
    gold = data_dir / "gold" / "dev.jsonl"
    sentences = evaluate_sentences(model, gold)
    documents = evaluate_documents(model, data_dir / "corpus" / "dev_documents.jsonl", gold)
    data = _Data(data_dir)
    curve = learning_curve(data, quick)
    curve.append(
        {"sentences": len(data.texts), **{k: sentences[k] for k in ("accuracy", "macro_f1")}}
    )
    return {
        "model": {k: info[k] for k in ("model_version", "trained", "sha256", "size_bytes")},
        "dev_sentences": len(data.dev_texts),
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
        "baselines": baselines(data, quick),
        "learning_curve": curve,
    }
