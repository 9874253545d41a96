#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include "plane/controlclient.h"

namespace ServeDeck {

// The newest errors of every endpoint, newest first, kept current from the service's
// errorRecorded and errorsCleared signals.
class ErrorListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorListModel)

public:
    enum Column { Time, Endpoint, Replica, Agent, Type, Message, Exit, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int EndpointIdRole = Qt::UserRole + 2;
    static constexpr int TypeRole = Qt::UserRole + 3;
    static constexpr int TimeRole = Qt::UserRole + 4;
    static constexpr int LogTailRole = Qt::UserRole + 5;
    // The most the service lists in one call, and far more than an operator reads; the oldest
    // row goes when a new error would exceed it.
    static constexpr int MaxRows = 1000;

    explicit ErrorListModel(ControlClient &client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const ErrorRecord &record(int row) const { return m_rows.at(row); }
    QString endpointName(const QUuid &endpointId) const { return m_names.value(endpointId); }
    void reload();

Q_SIGNALS:
    void loaded();

private:
    void add(const ErrorRecord &record);
    void removeErrorsOf(const QUuid &endpointId);
    void rememberName(const QUuid &endpointId);
    void renamed(const QUuid &endpointId);
    void showNameOf(const QUuid &endpointId);

    ControlClient &m_client;
    QList<ErrorRecord> m_rows;
    // Names outlive their endpoints here: an error of a deleted endpoint still says whose it was.
    QHash<QUuid, QString> m_names;
};

} // namespace ServeDeck
