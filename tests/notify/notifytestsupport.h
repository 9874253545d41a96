#pragma once

#include <QTest>

#include "domain/endpoint.h"
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

inline Endpoint notifyTestEndpoint(const QString &name, const QDateTime &at)
{
    Endpoint e;
    e.id = QUuid::createUuid();
    e.name = name;
    e.modelVersion = QStringLiteral("v1");
    e.modelFolder = QStringLiteral("/srv/models/iris-v1");
    e.runtimeVariant = QStringLiteral("custom");
    e.resourceSlots = ResourceSlots{1, qint64(1) << 30, 0};
    e.resourceGroup = QStringLiteral("default");
    e.replicas = 1;
    e.url = QStringLiteral("http://127.0.0.1:8080/") + name;
    e.createdAt = e.updatedAt = at;
    return e;
}

} // namespace ServeDeck

// The expression runs once: it usually writes.
#define VERIFY_OK(expression)                                                                 \
    do {                                                                                      \
        const auto &verifiedResult = (expression);                                            \
        QVERIFY2(verifiedResult.ok(), ServeDeck::describeResult(verifiedResult).constData()); \
    } while (false)
