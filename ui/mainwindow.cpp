#include "mainwindow.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include "api/controlplane.h"
#include "endpointlistmodel.h"

namespace ServeDeck {

MainWindow::MainWindow(ControlPlane &plane, QWidget *parent)
    : QMainWindow(parent)
    , m_plane(plane)
    , m_model(new EndpointListModel(plane.service(), this))
    , m_filter(new QSortFilterProxyModel(this))
    , m_search(new QLineEdit(this))
    , m_view(new QTableView(this))
{
    setWindowTitle(tr("ServeDeck"));
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(EndpointListModel::SortRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1);

    m_search->setPlaceholderText(tr("Search endpoints"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);

    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(EndpointListModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Columns fit what the filter shows now: a name or status is never clipped, also after a
    // search that hid the long ones is cleared. Coalesced, since a reload inserts many rows at once.
    m_fitColumns.setSingleShot(true);
    m_fitColumns.setInterval(0);
    connect(&m_fitColumns, &QTimer::timeout, m_view, &QTableView::resizeColumnsToContents);
    const auto fitSoon = [this] { m_fitColumns.start(); };
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, fitSoon);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, fitSoon);
    connect(m_filter, &QAbstractItemModel::modelReset, this, fitSoon);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, fitSoon);
    connect(m_filter, &QAbstractItemModel::dataChanged, this, fitSoon);
    m_view->resizeColumnsToContents();

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_search);
    layout->addWidget(m_view);
    setCentralWidget(central);

    const QString api = plane.apiAddress().isEmpty() ? tr("off") : plane.apiAddress();
    statusBar()->addWidget(new QLabel(tr("Data: %1").arg(plane.dataDir()), this));
    statusBar()->addPermanentWidget(new QLabel(tr("API %1 · Proxy %2").arg(api, plane.proxyAddress()), this));
    resize(1000, 560);
}

MainWindow::~MainWindow() = default;

} // namespace ServeDeck
