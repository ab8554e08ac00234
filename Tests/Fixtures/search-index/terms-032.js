DossierSearchIndex.register("terms-032", {"수행":"(WcK",
"스너":"(WcK",
"스레":"'V]%",
"스위":"(WcK",
"스크":"!qh!#z~C",
"습니":"!b]9#V~P#`uQ$c{.",
"시간":"$[ZC",
"실패":"!ga!'V]%",
"실행":"'c{."});
