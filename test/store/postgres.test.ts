import { storeContract } from './contract.js';
import { postgresScratch } from './postgres-scratch.js';

const { harness } = postgresScratch('tessera_store');

storeContract(harness);
