#include "labeleddataset.h"

#include <cmath>

#include <QFile>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace ServeDeck {

std::optional<LabeledDataset> LabeledDataset::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = u"%1: cannot open: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    QTextStream stream(&file);
    return parse(stream, path, error);
}

std::optional<LabeledDataset> LabeledDataset::parse(QTextStream &stream, const QString &fileName, QString *error)
{
    const auto fail = [&](int line, const QString &what) {
        *error = u"%1:%2: %3"_s.arg(fileName).arg(line).arg(what);
        return std::nullopt;
    };

    LabeledDataset data;
    QStringList header;
    int lineNumber = 0;
    QString line;
    while (stream.readLineInto(&line)) {
        ++lineNumber;
        line = line.trimmed();  // also drops the CR of CRLF files
        if (line.isEmpty())
            continue;
        const QStringList fields = line.split(u',');
        if (header.isEmpty()) {
            if (fields.size() < 2)
                return fail(lineNumber, u"the header must name at least one feature and the label column"_s);
            header = fields;
            for (QString &name : header)
                name = name.trimmed();
            data.m_featureNames = header.mid(0, header.size() - 1);
            continue;
        }
        if (fields.size() != header.size()) {
            return fail(lineNumber, u"expected %1 columns (%2), found %3"_s.arg(header.size())
                                        .arg(header.join(u','))
                                        .arg(fields.size()));
        }

        Sample sample;
        sample.features.reserve(static_cast<std::size_t>(data.featureCount()));
        for (qsizetype column = 0; column < data.featureCount(); ++column) {
            bool ok = false;
            const double value = fields[column].trimmed().toDouble(&ok);
            if (!ok || !std::isfinite(value)) {
                return fail(lineNumber, u"column %1 (%2): '%3' is not a finite number"_s.arg(column + 1)
                                            .arg(header[column], fields[column]));
            }
            sample.features.push_back(value);
        }
        const QString label = fields.last().trimmed();
        if (label.isEmpty())
            return fail(lineNumber, u"column %1 (%2): the label is empty"_s.arg(header.size()).arg(header.last()));
        qsizetype index = data.m_labels.indexOf(label);
        if (index < 0) {
            index = data.m_labels.size();
            data.m_labels.append(label);
        }
        sample.label = static_cast<int>(index);
        data.m_samples.push_back(std::move(sample));
    }
    if (stream.status() != QTextStream::Ok)
        return fail(lineNumber, u"read error"_s);
    if (header.isEmpty())
        return fail(1, u"empty file: expected a header row and samples"_s);
    if (data.m_samples.empty())
        return fail(lineNumber, u"no samples after the header"_s);
    return data;
}

QList<int> LabeledDataset::samplesPerLabel() const
{
    QList<int> counts(m_labels.size(), 0);
    for (const Sample &sample : m_samples)
        ++counts[sample.label];
    return counts;
}

} // namespace ServeDeck
