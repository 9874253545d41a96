#include "irisclassifier.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "labeleddataset.h"

using namespace Qt::StringLiterals;

namespace ServeDeck {

namespace {

// As scikit-learn's GaussianNB: a share of the largest feature variance is added to
// every variance, so a feature that is constant within a class (or a class of one
// sample) does not divide by zero. The absolute floor covers an all-constant table.
constexpr double kVarianceSmoothing = 1e-9;
constexpr double kMinimumVariance = 1e-12;

} // namespace

IrisClassifier::Method IrisClassifier::methodForVersion(const QString &version)
{
    return version == u"v1" ? Method::NearestCentroid : Method::GaussianNaiveBayes;
}

QString IrisClassifier::methodName(Method method)
{
    switch (method) {
    case Method::NearestCentroid:
        return u"nearest-centroid"_s;
    case Method::GaussianNaiveBayes:
        return u"gaussian-naive-bayes"_s;
    }
    return {};
}

IrisClassifier::IrisClassifier(const LabeledDataset &data, Method method)
    : m_method(method)
    , m_featureCount(data.featureCount())
{
    const auto features = static_cast<std::size_t>(m_featureCount);
    const QList<int> counts = data.samplesPerLabel();
    m_classes.resize(static_cast<std::size_t>(data.labels().size()));
    for (std::size_t c = 0; c < m_classes.size(); ++c) {
        m_classes[c].label = data.labels()[static_cast<qsizetype>(c)];
        m_classes[c].logPrior = std::log(double(counts[static_cast<qsizetype>(c)]) / double(data.samples().size()));
        m_classes[c].mean.assign(features, 0.0);
        m_classes[c].variance.assign(features, 0.0);
    }

    for (const auto &sample : data.samples()) {
        auto &model = m_classes[static_cast<std::size_t>(sample.label)];
        for (std::size_t f = 0; f < features; ++f)
            model.mean[f] += sample.features[f];
    }
    for (std::size_t c = 0; c < m_classes.size(); ++c) {
        for (double &mean : m_classes[c].mean)
            mean /= counts[static_cast<qsizetype>(c)];
    }

    // Population variance (divided by n), as naive Bayes' maximum-likelihood estimate.
    for (const auto &sample : data.samples()) {
        auto &model = m_classes[static_cast<std::size_t>(sample.label)];
        for (std::size_t f = 0; f < features; ++f) {
            const double d = sample.features[f] - model.mean[f];
            model.variance[f] += d * d;
        }
    }
    double largestVariance = 0;
    for (std::size_t c = 0; c < m_classes.size(); ++c) {
        for (double &variance : m_classes[c].variance) {
            variance /= counts[static_cast<qsizetype>(c)];
            largestVariance = std::max(largestVariance, variance);
        }
    }
    const double epsilon = std::max(kVarianceSmoothing * largestVariance, kMinimumVariance);
    for (auto &model : m_classes) {
        for (double &variance : model.variance)
            variance += epsilon;
    }
}

QStringList IrisClassifier::labels() const
{
    QStringList labels;
    for (const auto &model : m_classes)
        labels << model.label;
    return labels;
}

std::vector<double> IrisClassifier::scores(std::span<const double> features) const
{
    // Unnormalised log-probabilities per class.
    std::vector<double> scores;
    scores.reserve(m_classes.size());
    for (const auto &model : m_classes) {
        double score = 0;
        if (m_method == Method::NearestCentroid) {
            double squared = 0;
            for (std::size_t f = 0; f < features.size(); ++f) {
                const double d = features[f] - model.mean[f];
                squared += d * d;
            }
            score = -std::sqrt(squared);
        } else {
            score = model.logPrior;
            for (std::size_t f = 0; f < features.size(); ++f) {
                const double d = features[f] - model.mean[f];
                score -= 0.5 * std::log(2 * std::numbers::pi * model.variance[f]) + d * d / (2 * model.variance[f]);
            }
        }
        scores.push_back(score);
    }
    return scores;
}

IrisClassifier::Prediction IrisClassifier::predict(std::span<const double> features) const
{
    const std::vector<double> logits = scores(features);
    // Log-sum-exp shifted by the maximum: far-off inputs have log-likelihoods in the
    // thousands below zero, whose exp() would underflow to 0 for every class.
    const double top = *std::max_element(logits.begin(), logits.end());
    double total = 0;
    for (const double logit : logits)
        total += std::exp(logit - top);

    Prediction prediction;
    std::size_t best = 0;
    for (std::size_t c = 0; c < m_classes.size(); ++c) {
        prediction.probabilities.emplaceBack(m_classes[c].label, std::exp(logits[c] - top) / total);
        if (logits[c] > logits[best])
            best = c;
    }
    prediction.label = m_classes[best].label;
    return prediction;
}

} // namespace ServeDeck
