#pragma once

#include <QUuid>

#include "ui/common/keyedtablemodel.h"

#include "plane/controlclient.h"

namespace ServeDeck {

class Clock;

// The tokens issued for one endpoint (never the tokens themselves), oldest first, with their
// state: active, expired or revoked. Kept current from the service's tokensChanged.
class TokenListModel final : public KeyedTableModel<TokenGrant>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenListModel)

public:
    enum Column { Id, Scope, Created, Expires, AllowedIps, State, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int TokenIdRole = Qt::UserRole + 2;
    static constexpr int RevokedRole = Qt::UserRole + 3;

    TokenListModel(ControlClient &client, Clock &clock, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QUuid endpoint() const { return m_endpoint; }
    void setEndpoint(const QUuid &endpointId);
    const TokenGrant &grant(int row) const { return m_rows.at(row); }
    // Brings the rows in line with the service: updates in place, inserts and removes, no reset.
    void refresh();

Q_SIGNALS:
    // After each answer to setEndpoint() or refresh() is in the rows.
    void loaded();

private:
    void changed(const QUuid &endpointId);

    ControlClient &m_client;
    Clock &m_clock;
    QUuid m_endpoint;
};

} // namespace ServeDeck
