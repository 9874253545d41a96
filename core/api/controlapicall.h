#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include "api/controlapiserver.h"
#include "http/httprequest.h"

namespace ServeDeck {

// One request and its path's {named} segments, as each handler of ControlApiServer's route
// table gets it; in a header of its own so handlers kept in other files (one per feature) read it.
struct ControlApiServer::Call
{
    const HttpRequest &request;
    QHash<QByteArray, QByteArray> segments;  // "svc" -> the path segment, as HttpServer decoded it

    QString svc() const { return QString::fromUtf8(segments.value("svc")); }
    QString rollout() const { return QString::fromUtf8(segments.value("rollout")); }
};

} // namespace ServeDeck
