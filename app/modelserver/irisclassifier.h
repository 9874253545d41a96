#pragma once

#include <span>
#include <utility>
#include <vector>

#include <QList>
#include <QString>
#include <QStringList>

namespace ServeDeck {

class LabeledDataset;

// The demo model: trained in milliseconds from the iris CSV at start-up (any
// labelled numeric table works). Two methods, so that two model versions really
// answer differently: their probabilities differ for every input and, near the
// versicolor/virginica border, so can their class.
class IrisClassifier final
{
public:
    enum class Method {
        // Euclidean distance to each class mean; probabilities by a softmax of the
        // negative distances.
        NearestCentroid,
        // Per-class mean and variance of each feature, class prior from the counts;
        // probabilities are the normalised posteriors.
        GaussianNaiveBayes,
    };

    struct Prediction
    {
        QString label;
        QList<std::pair<QString, double>> probabilities;  // one per class, in labels() order, sum 1
    };

    // "v1" is the nearest-centroid model, every other version naive Bayes.
    static Method methodForVersion(const QString &version);
    static QString methodName(Method method);

    IrisClassifier(const LabeledDataset &data, Method method);

    Method method() const { return m_method; }
    qsizetype featureCount() const { return m_featureCount; }
    QStringList labels() const;

    // features.size() must be featureCount().
    Prediction predict(std::span<const double> features) const;

private:
    struct ClassModel
    {
        QString label;
        double logPrior = 0;
        std::vector<double> mean;
        std::vector<double> variance;
    };

    std::vector<double> scores(std::span<const double> features) const;

    Method m_method;
    qsizetype m_featureCount;
    std::vector<ClassModel> m_classes;
};

} // namespace ServeDeck
