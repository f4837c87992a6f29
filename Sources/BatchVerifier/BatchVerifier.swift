import EVMCore
