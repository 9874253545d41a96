#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "service/modelservingservice.h"

namespace ServeDeck {

// Every live endpoint, one row each, kept current from the service's signals.
class EndpointListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointListModel)

public:
    enum Column { Name, Version, Status, Replicas, Healthy, Url, ColumnCount };
    // The raw value behind a cell, for sorting (numbers sort as numbers).
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int EndpointIdRole = Qt::UserRole + 2;

    explicit EndpointListModel(ModelServingService &service, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();

private:
    void refresh(const QUuid &endpointId);
    int rowOf(const QUuid &endpointId) const;
    void removeRowOf(const QUuid &endpointId);

    ModelServingService &m_service;
    QList<EndpointInfo> m_rows;
};

} // namespace ServeDeck
