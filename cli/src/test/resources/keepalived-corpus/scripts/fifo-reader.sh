#!/bin/sh
# stub installed by KeepalivedCorpusTest: the corpus checks configurations, never runs a failover
exit 0
