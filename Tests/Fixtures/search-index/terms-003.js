DossierSearchIndex.register("terms-003", {"connections":"$[ZC'rY4",
"data":"!WU9(hj4",
"database":"%W_L",
"db":"$Vm2",
"db01":"!b]9#[~N#[ZC#]lF$]tD",
"delayed":"%W_L",
"during":"%byA",
"f":"!]Y!#[~N#[ZC"});
