#pragma once

#include <QComboBox>
#include <QUuid>

class QAbstractItemModel;

namespace ServeDeck {

// Picks one live endpoint by name, or "All endpoints" where a view offers it; follows the
// endpoint list as endpoints come, go and get renamed, and keeps its choice while it exists.
class EndpointSelector final : public QComboBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointSelector)

public:
    enum class Scope { OneEndpoint, AllOrOne };

    // endpoints: an EndpointListModel (its Name column and EndpointIdRole).
    EndpointSelector(QAbstractItemModel &endpoints, Scope scope, QWidget *parent = nullptr);

    // Null: all endpoints (or none is left).
    QUuid currentEndpoint() const;
    void setCurrentEndpoint(const QUuid &id);

Q_SIGNALS:
    void currentEndpointChanged(const QUuid &id);

private:
    void rebuild();

    QAbstractItemModel &m_endpoints;
    Scope m_scope;
    QUuid m_current;
};

} // namespace ServeDeck
