#pragma once

#include <QtGlobal>

#include "domain/result.h"

// For set-up steps inside test helpers, where QVERIFY cannot return: the call always runs
// (unlike Q_ASSERT, which release builds drop) and a failure stops the test loudly.
template<typename T>
T require(ServeDeck::Result<T> result, const char *what)
{
    if (!result.ok())
        qFatal("test set-up failed (%s): %s: %s", what, qPrintable(result.error().typeName()),
               qPrintable(result.error().message));
    return std::move(result).value();
}
