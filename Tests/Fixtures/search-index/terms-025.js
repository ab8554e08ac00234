DossierSearchIndex.register("terms-025", {"검합":"(WcK",
"결과":"'Zg(",
"경에":"(WcK",
"고갈":"$ed1$c{.",
"고합":"#V~P",
"권고":"#a~L#[ZC",
"그가":"!WU9",
"그로":"#a~L",
"그를":"#V~P"});
