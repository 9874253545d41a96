#pragma once

#include <optional>
#include <vector>

#include <QList>
#include <QString>
#include <QStringList>

class QTextStream;

namespace ServeDeck {

// A labelled numeric table read from CSV, as Fisher's iris data is stored: a
// header row naming the columns, then one sample a line, the features as numbers
// and the class label in the last column. Plain CSV only: no quoting, since
// numbers and single-word labels never need it.
class LabeledDataset final
{
public:
    struct Sample
    {
        std::vector<double> features;
        int label = 0;  // index into labels()
    };

    // nullopt with *error set to "<file>:<line>: <what is wrong>" when the data cannot be used.
    static std::optional<LabeledDataset> load(const QString &path, QString *error);
    static std::optional<LabeledDataset> parse(QTextStream &stream, const QString &fileName, QString *error);

    const QStringList &featureNames() const { return m_featureNames; }
    qsizetype featureCount() const { return m_featureNames.size(); }
    // Distinct labels in the order they first appear.
    const QStringList &labels() const { return m_labels; }
    const std::vector<Sample> &samples() const { return m_samples; }
    QList<int> samplesPerLabel() const;

private:
    LabeledDataset() = default;

    QStringList m_featureNames;
    QStringList m_labels;
    std::vector<Sample> m_samples;
};

} // namespace ServeDeck
