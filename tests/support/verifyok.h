#pragma once

// VERIFY_OK(expression): a Result that must be ok, its error type and message on failure.
#include <QByteArray>
#include <QTest>

#include "domain/result.h"

namespace ServeDeck {

// QVERIFY2 evaluates its message even on success, and error() of a good Result throws.
template<typename T>
QByteArray describeResult(const Result<T> &result)
{
    if (result)
        return QByteArrayLiteral("ok");
    return (result.error().typeName() + QStringLiteral(": ") + result.error().message).toUtf8();
}

} // namespace ServeDeck

// The expression runs once: it usually writes.
#define VERIFY_OK(expression)                                                                 \
    do {                                                                                      \
        const auto &verifiedResult = (expression);                                            \
        QVERIFY2(verifiedResult.ok(), ServeDeck::describeResult(verifiedResult).constData()); \
    } while (false)
