#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

#include "domain/modeldefinition.h"
#include "domain/result.h"

namespace ServeDeck {

// Request bodies for the traffic simulator: numbers in the model's input shape, uniform in its
// input range, from a seeded generator (the same seed gives the same bodies). The example's
// other fields are kept. A batch of n inputs is one request: the list of n inputs goes in the
// batch field (the model's request block names it); a batch of 1 fills the input field.
class InputGenerator
{
public:
    // Inputs per request, at most; and numbers per request (shape product x batch), at most.
    static constexpr int kMaxBatch = 256;
    static constexpr qlonglong kMaxNumbers = 1 << 20;

    // InvalidArgument: no input field or shape, an example that is not a JSON object, a batch
    // above 1 without a batch field, or more numbers per request than kMaxNumbers.
    static Result<InputGenerator> create(const RequestHints &hints, int maxBatch, quint64 seed);

    QJsonValue input();           // one input: nested arrays in the shape's dimensions
    QByteArray body(int batch);   // compact JSON; batch is held to [1, maxBatch]
    int batchBetween(int min, int max);  // uniform, from the same generator

private:
    InputGenerator(RequestHints hints, QJsonObject base, int maxBatch, quint64 seed);
    double next();  // uniform in [0, 1)
    QJsonValue dimension(int index);

    RequestHints m_hints;
    QJsonObject m_base;
    int m_maxBatch;
    quint64 m_state;
};

} // namespace ServeDeck
