#pragma once

#include <QMainWindow>
#include <QTimer>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace ServeDeck {

class ControlPlane;
class EndpointListModel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(ControlPlane &plane, QWidget *parent = nullptr);
    ~MainWindow() override;

    QTableView *endpointView() const { return m_view; }
    EndpointListModel *endpointModel() const { return m_model; }

private:
    ControlPlane &m_plane;
    EndpointListModel *m_model;
    QSortFilterProxyModel *m_filter;
    QLineEdit *m_search;
    QTableView *m_view;
    QTimer m_fitColumns;
};

} // namespace ServeDeck
