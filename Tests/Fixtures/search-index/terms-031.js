DossierSearchIndex.register("terms-031", {"사용":"#f~K",
"삭제":"!WU9",
"상태":"(WcK",
"서버":"!WU9",
"설정":"#V~P#Vm2",
"성능":"$[ZC",
"션풀":"'c{.",
"수가":"'V]%",
"수동":"#V~P"});
