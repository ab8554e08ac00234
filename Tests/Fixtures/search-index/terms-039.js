DossierSearchIndex.register("terms-039", {"차입":"(WcK",
"찼습":"!WU9",
"치가":"#[~N",
"치를":"'V]%",
"치오":"(WcK",
"치와":"(WcK",
"카이":"!]Y!",
"커넥":"$nlQ$pm6",
"크가":"!ga!"});
