DossierSearchIndex.register("terms-034", {"었습":"$Vm2$Zg(",
"에서":"$Vm2%WcK",
"영팀":"'V]%",
"오래":"!WU9#a~L",
"오류":"(WcK",
"오버":"(WcK",
"올라":"#V~P",
"용률":"#f~K",
"운영":"'V]%"});
