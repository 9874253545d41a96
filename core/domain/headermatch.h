#pragma once

#include <QString>

#include "result.h"

namespace ServeDeck {

// The condition of condition-based serving: requests that carry this header with this value
// go to the revision that has it (`target: mountain` to the plant model); the others to the
// revisions without one.
struct HeaderMatch
{
    QString name;   // an HTTP token (RFC 9110 5.6.2), lower-cased: header names are case-insensitive
    QString value;  // compared exactly with the request's value, both without surrounding whitespace

    // "name: value", the form the API reads and writes.
    QString text() const { return name + QStringLiteral(": ") + value; }
    // field: the API field named in the error (details.field).
    static Result<HeaderMatch> parse(const QString &text, const QString &field = QStringLiteral("match_header"));

    friend bool operator==(const HeaderMatch &, const HeaderMatch &) = default;
};

} // namespace ServeDeck
