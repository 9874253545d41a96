// ControlApiServer: GET /v1/plane, this node and who leads the plane (issue 18).
#include "controlapiserver.h"

#include <QJsonDocument>

#include "api/controlapicall.h"
#include "http/httpserver.h"

namespace ServeDeck {

HttpResponse ControlApiServer::plane(const Call &)
{
    if (!m_planeReport)
        return apiErrorResponse(makeError(ErrorType::NotFound, QStringLiteral("no plane report here")));
    return HttpResponse::json(200, QJsonDocument(m_planeReport()));
}

} // namespace ServeDeck
