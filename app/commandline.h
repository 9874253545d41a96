#pragma once

#include <QHostAddress>
#include <QStringList>

#include "plane/controlplane.h"

// Shared by the GUI, `serve` and `ctl`: where data and demo models live by default.
QString defaultDataDir();
QStringList defaultModelRoots(const QString &dataDir);
// SERVEDECK_SIGNING_KEY=file: keep the signing key and the agent TLS key in the data dir's files,
// not the OS keychain.
bool signingKeyFromFileByEnvironment();
// "127.0.0.1:8080", ":0", "8080" -> address and port; false on nonsense.
bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port);

int runServe(const QStringList &arguments);
int runCtl(const QStringList &arguments);
int runAgent(const QStringList &arguments);
int runDemo(const QStringList &arguments);
int runGui(int &argc, char **argv);
// servedeck plane-key new FILE (planekeycommand.cpp).
int runPlaneKey(const QStringList &arguments);
