DossierSearchIndex.register("terms-033", {"아카":"!]Y!",
"않았":"!WU9",
"았습":"!WU9",
"애조":"%W_L$hj4",
"야간":"!WU9",
"업이":"!WU9",
"없는":"(WcK",
"없습":"#V~P",
"없어":"#V~P"});
