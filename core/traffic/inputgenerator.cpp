#include "inputgenerator.h"

#include <algorithm>
#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>

namespace ServeDeck {

namespace {

ServiceError invalid(const QString &field, const QString &problem)
{
    return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": ") + problem,
                     {{QStringLiteral("field"), field}});
}

} // namespace

InputGenerator::InputGenerator(RequestHints hints, QJsonObject base, int maxBatch, quint64 seed)
    : m_hints(std::move(hints))
    , m_base(std::move(base))
    , m_maxBatch(maxBatch)
    , m_state(seed)
{
}

Result<InputGenerator> InputGenerator::create(const RequestHints &hints, int maxBatch, quint64 seed)
{
    if (hints.inputField.isEmpty() || hints.inputShape.isEmpty())
        return invalid(QStringLiteral("request"),
                       QStringLiteral("the model definition's request block names no input_field and input_shape"));
    if (!(hints.min < hints.max) || !std::isfinite(hints.min) || !std::isfinite(hints.max))
        return invalid(QStringLiteral("input_range"), QStringLiteral("expected finite numbers with min < max"));
    if (maxBatch < 1 || maxBatch > kMaxBatch)
        return invalid(QStringLiteral("batch"), QStringLiteral("expected 1 to %1 inputs per request").arg(kMaxBatch));
    if (maxBatch > 1 && hints.batchField.isEmpty())
        return invalid(QStringLiteral("batch"),
                       QStringLiteral("the model takes one input per request "
                                      "(its request block names no batch_field)"));
    qlonglong numbers = maxBatch;
    for (int dim : hints.inputShape) {
        if (dim < 1 || dim > kMaxNumbers)
            return invalid(QStringLiteral("input_shape"), QStringLiteral("expected positive dimensions"));
        numbers *= dim;  // each factor and the running product stay <= 2^20 x 2^20: no overflow
        if (numbers > kMaxNumbers)
            return invalid(QStringLiteral("batch"),
                           QStringLiteral("more than %1 numbers per request (input shape x batch)").arg(kMaxNumbers));
    }
    QJsonObject base;
    if (!hints.example.isEmpty()) {
        const QJsonDocument example = QJsonDocument::fromJson(hints.example);
        if (!example.isObject())
            return invalid(QStringLiteral("example"), QStringLiteral("expected a JSON object to fill in"));
        base = example.object();
    }
    return InputGenerator(hints, base, maxBatch, seed);
}

double InputGenerator::next()
{
    // SplitMix64: small, seedable, the same on every platform.
    quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return double(z >> 11) * 0x1.0p-53;
}

QJsonValue InputGenerator::dimension(int index)
{
    QJsonArray values;
    const int count = m_hints.inputShape.at(index);
    const bool last = index + 1 == m_hints.inputShape.size();
    for (int i = 0; i < count; ++i) {
        if (!last) {
            values.append(dimension(index + 1));
            continue;
        }
        // Four decimals: readable in a log, and far finer than any range a model states.
        const double v = m_hints.min + (m_hints.max - m_hints.min) * next();
        values.append(std::clamp(std::round(v * 1e4) / 1e4, m_hints.min, m_hints.max));
    }
    return values;
}

QJsonValue InputGenerator::input()
{
    return dimension(0);
}

int InputGenerator::batchBetween(int min, int max)
{
    if (max <= min)
        return min;
    return min + int(next() * double(max - min + 1));
}

QByteArray InputGenerator::body(int batch)
{
    batch = std::clamp(batch, 1, m_maxBatch);
    QJsonObject body = m_base;
    if (batch == 1) {
        if (!m_hints.batchField.isEmpty())
            body.remove(m_hints.batchField);
        body.insert(m_hints.inputField, input());
    } else {
        // A model takes one or the other (the demo server refuses both at once).
        body.remove(m_hints.inputField);
        QJsonArray inputs;
        for (int i = 0; i < batch; ++i)
            inputs.append(input());
        body.insert(m_hints.batchField, inputs);
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace ServeDeck
